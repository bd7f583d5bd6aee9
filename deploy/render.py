"""Fill in a deploy/ template: ``python deploy/render.py TEMPLATE OUT NAME=value…``.

Templates name their blanks ``@@NAME@@`` (capitals) (nginx's own ``$variables`` stay as
they are). A blank left unfilled is an error, never an empty string.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

BLANK = re.compile(r"@@([A-Z_]+)@@")


def render(text: str, values: dict[str, str]) -> str:
    missing = sorted(set(BLANK.findall(text)) - set(values))
    if missing:
        raise SystemExit(f"render.py: no value for {', '.join(missing)}")
    return BLANK.sub(lambda match: values[match.group(1)], text)


def main(argv: list[str]) -> None:
    template, out, *pairs = argv
    values = dict(pair.split("=", 1) for pair in pairs)
    Path(out).write_text(render(Path(template).read_text(), values))


if __name__ == "__main__":
    main(sys.argv[1:])
