"""The credential's human-readable texts in English and the holder's language.

Verifiable Credentials 2.0 (section 11.1, "Language and Base Direction")
expresses a text in several languages as an array of language value objects,
``[{"@value": "…", "@language": "en"}, {"@value": "…", "@language": "ko"}]``.
Both vendored contexts define ``name`` and ``description`` (schema.org) with
no ``@type`` coercion or container, so JSON-LD processors read such arrays as
language-tagged strings; JCS signing is indifferent to the shape.

English comes first (every verifier can read it), then the holder's language
(the certificate's second language), as on the PDF. The wording is taken from
the certificates app's translations when the credential is built; programme
titles and names stay as they were issued.
"""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

CREDENTIAL_NAME = {
    "programme": _("%(title)s — certificate of completion"),
    "webinar": _("%(title)s — certificate of attendance"),
}
CREDENTIAL_DESCRIPTION = {
    "programme": _(
        "%(holder)s completed %(title)s, a WeGO training programme, and the "
        "programme's trainers confirmed the completion."
    ),
    "webinar": _(
        "%(holder)s attended the WeGO webinar %(title)s for at least the "
        "minimum presence it requires."
    ),
}
ACHIEVEMENT_NAME = {
    "programme": _("Completion of %(title)s"),
    "webinar": _("Attendance at the webinar %(title)s"),
}
ACHIEVEMENT_DESCRIPTION = {
    ("programme", True): _("%(title)s: a WeGO training programme by %(office)s."),
    ("programme", False): _("%(title)s: a WeGO training programme."),
    ("webinar", True): _("%(title)s: a WeGO webinar by %(office)s."),
    ("webinar", False): _("%(title)s: a WeGO webinar."),
}


def credential_languages(certificate) -> list[str]:
    """English, then the holder's language when the certificate has one."""
    from .pdf import second_language

    second = second_language(certificate.language)
    return ["en", second] if second else ["en"]


def language_values(message, languages: list[str], **values) -> list[dict]:
    """``message % values`` in each language, as VC 2.0 language value objects."""
    out = []
    for language in languages:
        with translation.override(language):
            out.append({"@value": str(message) % values, "@language": language})
    return out


def multilingual_fields(certificate) -> dict:
    """The four multilingual fields: the credential's and the achievement's
    ``name`` and ``description``."""
    kind = "webinar" if certificate.webinar_id else "programme"
    languages = credential_languages(certificate)
    title = certificate.programme_title
    office = certificate.office_name
    return {
        "name": language_values(CREDENTIAL_NAME[kind], languages, title=title),
        "description": language_values(
            CREDENTIAL_DESCRIPTION[kind],
            languages,
            holder=certificate.holder_name,
            title=title,
        ),
        "achievement_name": language_values(
            ACHIEVEMENT_NAME[kind], languages, title=title
        ),
        "achievement_description": language_values(
            ACHIEVEMENT_DESCRIPTION[(kind, bool(office))],
            languages,
            title=title,
            office=office,
        ),
    }


def text_in(value, language: str = "en") -> str:
    """A human-readable field (a plain string, one language value object or an
    array of them, as older and newer credentials carry it) in ``language``,
    else in English, else the first given."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        return ""
    texts = {}
    for item in value:
        if isinstance(item, str):
            texts.setdefault("", item)
        elif isinstance(item, dict) and isinstance(item.get("@value"), str):
            texts.setdefault(str(item.get("@language", "")).lower(), item["@value"])
    for key in (language.lower(), "en", ""):
        if key in texts:
            return texts[key]
    return next(iter(texts.values()), "")
