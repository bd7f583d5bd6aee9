"""The API's JSON parser: a bounded nesting depth, a 400 instead of a RecursionError."""

from rest_framework import parsers, serializers
from rest_framework.exceptions import ParseError

# No request body of the API nests deeper than a few levels (answers are an
# object of strings); 32 leaves room and stays far from Python's recursion limit.
MAX_JSON_DEPTH = 32


def json_depth_exceeds(value, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether ``value`` nests lists/objects deeper than ``limit`` (iteratively)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(self._too_deep()) from exc
        if json_depth_exceeds(data):
            raise ParseError(self._too_deep())
        return data

    @staticmethod
    def _too_deep() -> str:
        from django.utils.translation import gettext as _

        return _("JSON nested deeper than %(depth)d levels is not accepted.") % {
            "depth": MAX_JSON_DEPTH
        }


class BoundedJSONField(serializers.JSONField):
    """DRF's JSONField with the same depth bound (form bodies carry JSON as text)."""

    def to_internal_value(self, data):
        try:
            value = super().to_internal_value(data)
        except RecursionError as exc:
            raise serializers.ValidationError(JSONParser._too_deep()) from exc
        if json_depth_exceeds(value):
            raise serializers.ValidationError(JSONParser._too_deep())
        return value
