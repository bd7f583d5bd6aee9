"""Which installed fonts the certificate uses, asked of fontconfig at run time.

The certificate is set in Noto (Debian's fonts-noto-core for Latin and
Cyrillic, fonts-noto-cjk for Korean), found by family name through
fontconfig, the same library WeasyPrint uses to load them, so no machine path
is written anywhere. Where a family is missing the stack falls back to DejaVu
(Latin and Cyrillic) and then to any installed CJK family, and the system
check ``certificates.W010`` says what is missing. WeasyPrint embeds a subset
of each font it uses.
"""

import functools
import shutil
import subprocess

SERIF = ("Noto Serif", "DejaVu Serif")
SANS = ("Noto Sans", "DejaVu Sans")
MONO = ("Noto Sans Mono", "DejaVu Sans Mono")
CJK_SERIF = ("Noto Serif CJK KR", "Noto Sans CJK KR", "Source Han Serif K")
CJK_SANS = ("Noto Sans CJK KR", "Noto Serif CJK KR", "Source Han Sans K")


@functools.lru_cache(maxsize=1)
def installed_families() -> frozenset[str]:
    """Every font family fontconfig knows (empty if fc-list is unavailable)."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return frozenset()
    try:
        out = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
            [fc_list, ":", "family"],
            capture_output=True,
            timeout=20,
            check=True,
            text=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    families = set()
    for line in out.splitlines():
        families.update(name.strip() for name in line.split(",") if name.strip())
    return frozenset(families)


def _stack(*groups: tuple[str, ...], generic: str) -> str:
    """A CSS font-family list: per group, the first installed family (or the
    group's first when fontconfig cannot tell), then the generic family."""
    found = installed_families()
    names = []
    for group in groups:
        present = [name for name in group if name in found]
        names.append(present[0] if present else group[0])
    return ", ".join(f'"{name}"' for name in dict.fromkeys(names)) + f", {generic}"


@functools.lru_cache(maxsize=1)
def font_stacks() -> dict[str, str]:
    """CSS font-family values for the certificate's serif, sans and mono text."""
    return {
        "serif": _stack(SERIF, CJK_SERIF, generic="serif"),
        "sans": _stack(SANS, CJK_SANS, generic="sans-serif"),
        "mono": _stack(MONO, CJK_SANS, generic="monospace"),
    }


def missing_fonts() -> list[str]:
    """Families the certificate wants that fontconfig does not have."""
    found = installed_families()
    if not found:
        return ["fontconfig (fc-list) is not available"]
    wanted = {"Latin/Cyrillic serif": SERIF[:1], "Korean": CJK_SERIF[:2]}
    return [
        f"{what}: {' or '.join(names)}"
        for what, names in wanted.items()
        if not any(name in found for name in names)
    ]
