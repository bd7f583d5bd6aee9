"""Search answers queries full of quotes and markup, escaped, never a 500."""

import pytest


@pytest.mark.parametrize("query", ['"><img src=x onerror=alert(1)>', 'say "hi', '"'])
def test_search_with_a_double_quote_answers_and_escapes(client, world, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<img src=x" not in response.content.decode()
