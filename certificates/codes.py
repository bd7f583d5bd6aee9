"""Verification codes: unguessable, easy to read aloud and type, self-checking.

A code is ``WG-XXXX-XXXX-XXXX-XXXX-XXXX-C``: 20 characters drawn with
``secrets`` from Crockford's base-32 alphabet (no I, L, O, U), so 100 random
bits — far beyond what a brute-force at 20 lookups a minute could ever hit —
plus one Luhn mod 32 check character that catches every single-character typo
and most swapped neighbours before the database is asked. Codes are never
derived from ids.
"""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "WG"
RANDOM_LENGTH = 20
GROUP = 4
RANDOM_BITS = RANDOM_LENGTH * 5

# Crockford's decoding leniency: letters people confuse with digits.
_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SHAPE = re.compile(rf"^{PREFIX}[{ALPHABET}]{{{RANDOM_LENGTH + 1}}}$")


def check_character(payload: str) -> str:
    """Luhn mod N (N = 32) over the payload characters."""
    n = len(ALPHABET)
    factor = 2
    total = 0
    for char in reversed(payload):
        addend = factor * ALPHABET.index(char)
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return ALPHABET[(n - total % n) % n]


def format_code(payload: str) -> str:
    groups = [payload[i : i + GROUP] for i in range(0, len(payload), GROUP)]
    return "-".join([PREFIX, *groups, check_character(payload)])


def generate_code() -> str:
    """A fresh code from the operating system's CSPRNG."""
    payload = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return format_code(payload)


def normalise_code(raw: str) -> str | None:
    """The canonical form of what a person typed, or None if it cannot be a code.

    Case, spaces and hyphens are ignored and O/I/L read as 0/1; the check
    character must match. A None answer never touches the database.
    """
    if not isinstance(raw, str) or len(raw) > 64:
        return None
    compact = re.sub(r"[\s\-]", "", raw.upper())
    if compact.startswith(PREFIX):
        compact = PREFIX + compact[len(PREFIX) :].translate(_ALIASES)
    if not _SHAPE.match(compact):
        return None
    payload, check = compact[len(PREFIX) : -1], compact[-1]
    if check_character(payload) != check:
        return None
    return format_code(payload)
