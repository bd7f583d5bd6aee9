"""The result of one rule: :class:`Verdict`."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Verdict:
    rule: str
    ok: bool
    message: str
    blocking: bool = True

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("blocking")
        return data
