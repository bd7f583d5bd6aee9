"""The designed certificate, read back with poppler's tools as a reader would.

Bilingual text in the holder's script with the fonts embedded, A4 or Letter,
one page, WeGO's mark drawn as vectors, the co-organising partner, signature
lines level with each other, the verification code on one line under the QR
code, and no two words printed over each other.
"""

import re
import shutil
import subprocess
from html import unescape

import pytest

from certificates.pdf import render_certificate_pdf
from certificates.pdf_paper import default_paper
from tests.certificates.test_pdf_layout import certificate

PT_PER_MM = 72 / 25.4
SHRDC = "Seoul Human Resource Development Center"


def poppler(tool: str, data: bytes, *args: str) -> str:
    path = shutil.which(tool)
    assert path, f"{tool} (poppler-utils) is needed to read the PDF"
    return subprocess.run(
        [path, *args, "-", "-"] if tool == "pdftotext" else [path, *args, "-"],
        input=data,
        capture_output=True,
        timeout=60,
        check=True,
    ).stdout.decode()


def words(data: bytes) -> list[dict]:
    """Every word with its box in points (pdftotext -bbox)."""
    html = poppler("pdftotext", data, "-bbox")
    found = []
    for match in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
        r"(.*?)</word>",
        html,
    ):
        x0, y0, x1, y1 = (float(v) for v in match.groups()[:4])
        found.append(
            {"x0": x0, "y0": y0, "x1": x1, "y1": y1, "text": unescape(match[5])}
        )
    return found


def render(*, language="", orientation="landscape", paper=None, partners=(), **kw):
    cert = certificate(orientation=orientation, language=language, **kw)
    cert.partner_names = list(partners)
    return render_certificate_pdf(cert, paper=paper)


def fonts(data: bytes) -> list[dict]:
    lines = poppler("pdffonts", data).splitlines()[2:]
    rows = []
    for line in lines:
        parts = line.split()
        # name type [encoding...] emb sub uni object ID
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4]})
    return rows


def test_a_korean_holders_certificate_is_bilingual_with_an_embedded_cjk_font():
    data = render(language="ko", partners=[SHRDC])
    text = poppler("pdftotext", data)
    assert "Certificate of Completion" in text
    assert "수료증" in text
    assert "이 증서를 다음 분께 수여합니다" in text
    assert "Nguyen Thi Lan 님은 Seoul Program 2016 과정을 이수하였음을 증명합니다" in (
        " ".join(text.split())
    )
    assert "2016년 10월 10일" in text  # the dates in Korean too
    assert "공동 주최" in text
    rows = fonts(data)
    cjk = [row for row in rows if "CJK" in row["name"]]
    assert cjk, rows
    assert all(row["emb"] == "yes" and row["sub"] == "yes" for row in rows), rows


def test_a_russian_holders_certificate_prints_cyrillic():
    data = render(language="ru")
    text = " ".join(poppler("pdftotext", data).split())
    assert "Сертификат об окончании" in text
    assert "Настоящий сертификат выдан" in text
    assert "10 октября 2016 г." in text
    assert "Код проверки" in text
    assert all(row["emb"] == "yes" for row in fonts(data))


@pytest.mark.parametrize(
    ("orientation", "paper", "size"),
    [
        ("landscape", "a4", "841.89 x 595.276 pts (A4)"),
        ("portrait", "a4", "595.276 x 841.89 pts (A4)"),
        ("landscape", "letter", "792 x 612 pts (letter)"),
        ("portrait", "letter", "612 x 792 pts (letter)"),
    ],
)
@pytest.mark.parametrize("language", ["", "ko", "ru"])
def test_a4_and_letter_one_page_each(orientation, paper, size, language):
    data = render(language=language, orientation=orientation, paper=paper, long=True)
    info = poppler("pdfinfo", data)
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE), info
    assert re.search(r"^Page size:\s+" + re.escape(size) + "$", info, re.MULTILINE), (
        info
    )


def test_letter_countries_default_to_letter():
    assert default_paper("Philippines") == "letter"
    assert default_paper("United States") == "letter"
    assert default_paper("  canada ") == "letter"
    assert default_paper("U.S.A.") == "letter"
    assert default_paper("Viet Nam") == "a4"
    assert default_paper("") == "a4"
    cert = certificate(orientation="landscape", language="")
    cert.organisation_country = "Philippines"
    info = poppler("pdfinfo", render_certificate_pdf(cert))
    assert "(letter)" in info


CODE = "WG-R8HK-7HDB-YVJP-KWHW-34YH-X"


@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
@pytest.mark.parametrize("language", ["", "ko", "ru"])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_code_is_one_line_under_the_qr_code(orientation, language, paper):
    data = render(orientation=orientation, language=language, paper=paper)
    found = words(data)
    code = [w for w in found if w["text"] == CODE]
    # Once under the QR code (the footer's address holds it inside the URL).
    assert len(code) == 1, [w["text"] for w in found if "WG-" in w["text"]]
    box = code[0]
    width_mm = (box["x1"] - box["x0"]) / PT_PER_MM
    assert width_mm < 54, "wider than the QR block"
    layout = poppler("pdftotext", data, "-layout")
    assert any(CODE in line for line in layout.splitlines())
    # Under the QR label ("Verification code"), centred on the same axis.
    label = next(w for w in found if w["text"] == "Verification")
    assert box["y0"] > label["y1"] - 0.5
    page_width = float(re.search(r"Page size:\s+([\d.]+)", poppler("pdfinfo", data))[1])
    assert box["x0"] > page_width / 2, "the code sits in the QR block, right side"


def _core(word: dict) -> tuple[float, float]:
    """The box's vertical middle: poppler's boxes span the font's whole
    ascent and descent (Noto's are tall), which touch on tightly set lines."""
    trim = 0.22 * (word["y1"] - word["y0"])
    return word["y0"] + trim, word["y1"] - trim


def overlaps(found: list[dict]) -> list[tuple[str, str]]:
    clashes = []
    for i, a in enumerate(found):
        a_top, a_bottom = _core(a)
        for b in found[i + 1 :]:
            b_top, b_bottom = _core(b)
            dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            dy = min(a_bottom, b_bottom) - max(a_top, b_top)
            if dx > 1.0 and dy > 1.0:
                clashes.append((a["text"], b["text"]))
    return clashes


def test_the_overlap_check_sees_text_over_text():
    line = {"x0": 10, "y0": 10, "x1": 60, "y1": 24, "text": "holder"}
    assert overlaps([line, {**line, "x0": 40, "x1": 90, "y0": 14, "y1": 28}])
    assert not overlaps([line, {**line, "y0": 22, "y1": 36}])  # next line


@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
@pytest.mark.parametrize("language", ["", "ko", "ru"])
@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("long", [False, True], ids=["short", "long"])
def test_no_text_is_printed_over_other_text(orientation, language, paper, long):
    data = render(
        orientation=orientation,
        language=language,
        paper=paper,
        long=long,
        partners=["Asian Development Bank", "National Information Society Agency"],
    )
    assert overlaps(words(data)) == []


@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
def test_signature_blocks_line_up(orientation):
    data = render(orientation=orientation, language="ko")
    found = words(data)
    tops = {w["y0"] for w in found if w["text"] in ("Secretary", "Programme", "Head")}
    firsts = [w for w in found if w["text"] in ("Secretary", "Head")]
    assert len(firsts) == 2
    assert max(tops) - min(tops) < 0.5, tops


def test_the_partner_is_named_when_there_is_one():
    text = " ".join(poppler("pdftotext", render(partners=[SHRDC])).split())
    assert "CO-ORGANISED WITH" in text  # set in small capitals
    assert SHRDC in text
    text = " ".join(
        poppler("pdftotext", render(partners=["Asian Development Bank", "NIA"])).split()
    )
    assert "Asian Development Bank · NIA" in text
    assert "CO-ORGANISED" not in poppler("pdftotext", render())


def test_the_mark_is_vector_drawing_not_an_image():
    data = render(language="ko", partners=[SHRDC])
    listing = poppler("pdfimages", data, "-list").splitlines()
    assert len(listing) == 2, listing  # the header lines only: no raster
    assert "WeGO" in poppler("pdftotext", data)
