"""The interface is complete in Korean, Russian, Spanish and French.

Every catalogue (the project's ``locale/`` and each app's own ``locale/``) has
each language, with no untranslated or fuzzy entry, the same placeholders and
HTML tags as the English text, and a compiled ``.mo`` holding exactly the
translated entries. A new string then shows translated on a ``/ko/`` page.
"""

import re
from datetime import timedelta
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import timezone, translation

from courses.models import SupportSlot
from tests.courses.factories import enrol, give_skill, make_programme
from tests.factories import UserFactory

LANGUAGES = ("ko", "ru", "es", "fr")
PLURAL_FORMS = {"ko": 1, "ru": 3, "es": 2, "fr": 2}
BASE_DIR = Path(settings.BASE_DIR)
# The project catalogue and every app catalogue next to it (``<app>/locale``).
CATALOGUE_DIRS = sorted(
    {BASE_DIR / "locale"}
    | {path.parents[2] for path in BASE_DIR.glob("*/locale/*/LC_MESSAGES/django.po")}
)
CATALOGUES = [
    (directory / language / "LC_MESSAGES" / "django.po", language)
    for directory in CATALOGUE_DIRS
    for language in LANGUAGES
]
NAMED = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdifr]")
BRACES = re.compile(r"(?<!\{)\{[A-Za-z_][A-Za-z0-9_]*\}(?!\})")
TAG = re.compile(r"</?[A-Za-z][^>]*>")


def _ids(catalogue):
    path, language = catalogue
    return f"{path.relative_to(BASE_DIR).parts[0]}-{language}"


def _placeholders(text: str) -> list[str]:
    return sorted(NAMED.findall(text) + BRACES.findall(text) + TAG.findall(text))


def test_both_catalogues_are_found():
    relative = {path.relative_to(BASE_DIR).parts[0] for path, _ in CATALOGUES}
    assert {"locale", "certificates"} <= relative


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=_ids)
def test_every_entry_is_translated_and_not_fuzzy(catalogue):
    path, language = catalogue
    assert path.exists(), f"{path} is missing"
    po = polib.pofile(str(path))
    live = [entry for entry in po if not entry.obsolete]
    assert live, f"{path} is empty"
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == [], f"{path}: untranslated {untranslated[:10]}"
    assert fuzzy == [], f"{path}: fuzzy {fuzzy[:10]}"
    expected = PLURAL_FORMS[language]
    assert f"nplurals={expected};" in po.metadata.get("Plural-Forms", "")
    for entry in live:
        if entry.msgid_plural:
            assert len(entry.msgstr_plural) == expected, entry.msgid
            assert all(form.strip() for form in entry.msgstr_plural.values())


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=_ids)
def test_placeholders_and_markup_match_the_english(catalogue):
    path, language = catalogue
    wrong = []
    for entry in polib.pofile(str(path)):
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            english = _placeholders(entry.msgid_plural)
            wrong += [
                (entry.msgid, form)
                for form in entry.msgstr_plural.values()
                if _placeholders(form) != english
            ]
        elif _placeholders(entry.msgstr) != _placeholders(entry.msgid):
            wrong.append((entry.msgid, entry.msgstr))
    assert wrong == [], f"{path}: {wrong[:5]}"


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=_ids)
def test_compiled_catalogue_matches_the_source(catalogue):
    path, _language = catalogue
    mo_path = path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run compilemessages"
    po = polib.pofile(str(path))
    source = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural[0]
        for entry in po.translated_entries()
    }
    compiled = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural[0]
        for entry in polib.mofile(str(mo_path))
        if entry.msgid
    }
    assert compiled == source, f"{mo_path} is stale: run compilemessages"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ko", "수료증을 찾을 수 없음"),
        ("ru", "Сертификат не найден"),
        ("es", "Certificado no encontrado"),
        ("fr", "Certificat introuvable"),
    ],
)
def test_app_catalogue_strings_translate_at_runtime(language, expected):
    with translation.override(language):
        assert translation.gettext("Certificate not found") == expected
        seconds = translation.ngettext(
            "You have checked many certificate codes in the last minute. "
            "Please try again in %(seconds)s second.",
            "You have checked many certificate codes in the last minute. "
            "Please try again in %(seconds)s seconds.",
            5,
        ) % {"seconds": 5}
        assert "5" in seconds and "You have checked" not in seconds


def test_russian_plural_forms_follow_the_number():
    with translation.override("ru"):
        forms = [
            translation.ngettext(
                "%(counter)s attendee met the minimum presence",
                "%(counter)s attendees met the minimum presence",
                n,
            )
            % {"counter": n}
            for n in (1, 3, 5, 21)
        ]
    assert forms == [
        "1 участник достиг минимального присутствия",
        "3 участника достигли минимального присутствия",
        "5 участников достигли минимального присутствия",
        "21 участник достиг минимального присутствия",
    ]


@pytest.mark.django_db
def test_support_slots_show_in_korean_under_the_ko_prefix(client):
    programme = make_programme()
    participant = give_skill(UserFactory())
    enrol(programme, participant)
    start = (timezone.now() + timedelta(days=70)).replace(second=0, microsecond=0)
    SupportSlot.objects.create(
        programme=programme,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        timezone="Asia/Seoul",
        capacity=2,
    )
    client.force_login(participant)
    # A page's address follows the active language (``/ko/…`` inside Korean).
    with translation.override("en"):
        english_url = programme.url
    with translation.override("ko"):
        assert programme.url == f"/ko{english_url}"
    response = client.get(f"/ko{english_url}")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ko"' in html
    assert "교육 후 원격 기술 지원" in html
    assert "남은 자리" in html
    assert "Remote technical support after the training" not in html
    english = client.get(english_url).content.decode()
    assert "Remote technical support after the training" in english
