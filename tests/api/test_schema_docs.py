"""Every operation in ``/api/schema/`` is documented well enough to integrate
against without trying it: realistic examples and its error responses.

Rules checked per operation (those that apply):

* a request body has an example;
* the success response, when it has a body, has an example;
* 429 (throttling applies everywhere) is documented, with ``Retry-After``;
* a request body means 400 is documented; a path parameter means 404;
  an operation anonymous visitors may not call means 401;
* every documented 4xx uses the ``{"code", "detail"}`` error shape and has an
  example.

The failure message lists every operation that falls short and why.
"""

import pytest
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema, node):
    while isinstance(node, dict) and "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    return node or {}


def _has_example(response_or_body) -> bool:
    return any(
        media.get("examples") or "example" in media
        for media in response_or_body.get("content", {}).values()
    )


def _error_shape(schema, response) -> bool:
    contents = response.get("content", {})
    if not contents:
        return False
    for media in contents.values():
        properties = _resolve(schema, media.get("schema")).get("properties", {})
        if not {"code", "detail"} <= set(properties):
            return False
    return True


def _problems(schema, operation) -> list[str]:
    problems = []
    responses = operation.get("responses", {})
    body = operation.get("requestBody")
    if body and not _has_example(body):
        problems.append("request body has no example")
    successes = {s: r for s, r in responses.items() if s.startswith("2")}
    if not successes:
        problems.append("no success response")
    for status, response in successes.items():
        if response.get("content") and not _has_example(response):
            problems.append(f"{status} response has no example")
    needed = {"429"}
    if body:
        needed.add("400")
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        needed.add("404")
    security = operation.get("security")
    if security and {} not in security:
        needed.add("401")
    for status in sorted(needed - set(responses)):
        problems.append(f"{status} not documented")
    if "429" in responses and "Retry-After" not in responses["429"].get("headers", {}):
        problems.append("429 without Retry-After header")
    for status, response in responses.items():
        if not status.startswith("4"):
            continue
        if not _error_shape(schema, response):
            problems.append(f'{status} is not the {{"code", "detail"}} shape')
        elif not _has_example(response):
            problems.append(f"{status} has no example")
    return problems


def test_every_operation_has_examples_and_documented_errors(schema):
    report = []
    for path, methods in sorted(schema["paths"].items()):
        for method, operation in methods.items():
            problems = _problems(schema, operation)
            if problems:
                report.append(f"{method.upper()} {path}: " + "; ".join(problems))
    assert not report, (
        f"{len(report)} operations lack examples or error docs:\n" + "\n".join(report)
    )


def test_the_checker_catches_an_undocumented_operation(schema):
    bare = {
        "parameters": [{"in": "path", "name": "id"}],
        "requestBody": {"content": {"application/json": {"schema": {}}}},
        "security": [{"tokenAuth": []}],
        "responses": {"200": {"content": {"application/json": {"schema": {}}}}},
    }
    problems = _problems(schema, bare)
    assert "request body has no example" in problems
    assert "200 response has no example" in problems
    for status in ("400", "401", "404", "429"):
        assert f"{status} not documented" in problems


def test_token_operations_document_their_errors_with_examples(schema):
    token = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert _problems(schema, token) == []
    example = next(
        iter(token["responses"]["401"]["content"]["application/json"]["examples"])
    )
    value = token["responses"]["401"]["content"]["application/json"]["examples"][
        example
    ]["value"]
    assert value == {
        "code": "invalid_credentials",
        "detail": "E-mail or password is wrong.",
    }
