"""Paper sizes for certificates: A4 everywhere but in the Letter countries.

The holder's organisation country (snapshotted on the certificate) chooses
the default; the download link may ask for the other with ``?paper=``.
Countries are stored as free text ("Philippines", "United States", "USA"),
so names and ISO codes are both recognised.
"""

A4 = "a4"
LETTER = "letter"
PAPERS = (A4, LETTER)
# (width, height) in millimetres, portrait.
PAPER_MM = {A4: (210.0, 297.0), LETTER: (215.9, 279.4)}
PAPER_CSS = {A4: "A4", LETTER: "letter"}
LETTER_COUNTRIES = frozenset(
    {
        "united states",
        "united states of america",
        "usa",
        "us",
        "canada",
        "ca",
        "philippines",
        "the philippines",
        "ph",
        "mexico",
        "méxico",
        "mx",
        "chile",
        "cl",
        "colombia",
        "co",
        "venezuela",
        "ve",
        "costa rica",
        "cr",
        "guatemala",
        "gt",
        "panama",
        "panamá",
        "pa",
        "dominican republic",
        "do",
        "puerto rico",
        "pr",
        "el salvador",
        "sv",
    }
)


def default_paper(country: str | None) -> str:
    """Letter for holders whose organisation is in a Letter country, else A4."""
    name = " ".join((country or "").replace(".", "").split()).lower()
    return LETTER if name in LETTER_COUNTRIES else A4


def paper_for(certificate) -> str:
    return default_paper(certificate.organisation_country)


def parse_paper(value: str | None) -> str | None:
    """``a4`` or ``letter`` from a query string (any case); None otherwise."""
    value = (value or "").strip().lower()
    return value if value in PAPERS else None


def page_mm(paper: str, orientation: str) -> tuple[float, float]:
    """(width, height) of the page in millimetres."""
    width, height = PAPER_MM[paper]
    return (height, width) if orientation == "landscape" else (width, height)
