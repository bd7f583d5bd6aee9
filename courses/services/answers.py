"""Shape checks for application answers and uploaded PDFs."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.errors import DomainError

DELIVERY_LOCATIONS = {
    "home_country": gettext_lazy("In my home country"),
    "korea": gettext_lazy("In Korea"),
}

# question key → (programme flag, max length)
QUESTIONS = {
    "motivation": ("asks_motivation", 2000),
    "technical_experience": ("asks_technical_experience", 1000),
    "delivery_location": ("asks_delivery_location", 20),
    "preferred_dates": ("asks_preferred_dates", 200),
}


# Short headings for the roster, the approval queue and the exports.
QUESTION_LABELS = {
    "motivation": gettext_lazy("Motivation"),
    "technical_experience": gettext_lazy("Java, Spring and MyBatis experience"),
    "delivery_location": gettext_lazy("Delivery location"),
    "preferred_dates": gettext_lazy("Preferred dates"),
}


def answer_text(key: str, value) -> str:
    """An answer as a person reads it (a delivery location by its label)."""
    if key == "delivery_location" and value in DELIVERY_LOCATIONS:
        return str(DELIVERY_LOCATIONS[value])
    return "" if value is None else str(value)


def answer_rows(programme, answers: dict) -> list[tuple[str, str, str]]:
    """(key, heading, answer) for each question the programme asks, in order.

    Questions asked but left blank give an empty answer, so columns line up
    across applicants; answers to questions no longer asked are kept last.
    """
    answers = answers or {}
    keys = asked_questions(programme)
    keys += [k for k in answers if k not in keys and k in QUESTIONS]
    return [
        (key, str(QUESTION_LABELS[key]), answer_text(key, answers.get(key)))
        for key in keys
    ]


def asked_questions(programme) -> list[str]:
    return [key for key, (flag, _n) in QUESTIONS.items() if getattr(programme, flag)]


def clean_answers(*, programme, answers) -> dict:
    """Answers to the programme's questions only, each as text; 400 otherwise.

    A question may be left blank unless the programme requires every answer
    (``answers_required``).
    """
    answers = answers if answers is not None else {}
    if not isinstance(answers, dict):
        raise DomainError(
            _("Answers must be an object of question → answer."),
            code="invalid_answers",
        )
    asked = asked_questions(programme)
    errors: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    for key, value in answers.items():
        if key not in asked:
            errors[key] = _("This programme does not ask this question.")
            continue
        if not isinstance(value, str):
            errors[key] = _("Give the answer as text.")
            continue
        value = value.strip()
        if len(value) > QUESTIONS[key][1]:
            errors[key] = _("At most %(n)s characters.") % {"n": QUESTIONS[key][1]}
            continue
        if value:
            cleaned[key] = value
    if programme.answers_required:
        for key in asked:
            if key not in cleaned and key not in errors:
                errors[key] = _("This question needs an answer.")
    location = cleaned.get("delivery_location")
    if location and location not in DELIVERY_LOCATIONS:
        errors["delivery_location"] = _("Choose home_country or korea.")
    if errors:
        raise DomainError(
            _("Some answers are missing or not valid."),
            code="invalid_answers",
            errors=errors,
        )
    return cleaned


def check_pdf(upload, *, max_bytes: int) -> None:
    """A real PDF (by its first bytes, not its name) no larger than ``max_bytes``."""
    size = getattr(upload, "size", None)
    if size is None or size > max_bytes:
        raise DomainError(
            _("The file is larger than %(mb)s MB.")
            % {"mb": max_bytes // (1024 * 1024)},
            code="file_too_large",
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if b"%PDF-" not in head[:1024] or not head.lstrip().startswith(b"%PDF-"):
        raise DomainError(_("The file is not a PDF document."), code="not_a_pdf")
