"""URL converters shared by every app."""


class IdConverter:
    """A database id: digits that fit a 64-bit integer column.

    Django's ``int`` accepts any length, and a 30-digit id overflows the
    database driver (a 500) instead of being a plain 404.
    """

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))
