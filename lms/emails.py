"""Plain-text e-mail bodies, rendered without HTML escaping.

Django's template engine escapes every variable for HTML, which is right for
pages and wrong for a ``text/plain`` message: a programme called "Hanoi's
data portal" arrived as "Hanoi&#x27;s data portal". Every app renders its
``.txt`` e-mails here, so no template has to remember ``{% autoescape off %}``
(``tests/lms/test_plain_text_emails.py`` sends each one and checks).
"""

from __future__ import annotations

from django.template import Context
from django.template.loader import get_template


def render_plain_text(template_name: str, context: dict) -> str:
    """The template rendered as plain text: variables are not HTML-escaped.

    The active language is the caller's (``translation.override``); e-mails
    have no request, so no context processor runs.
    """
    template = get_template(template_name)
    # The backend's Template hides the engine's Context; its ``template`` is
    # the compiled django.template.base.Template, which takes one directly.
    return template.template.render(Context(context, autoescape=False))


def split_subject(text: str) -> tuple[str, str]:
    """A rendered e-mail whose first line is its subject: (subject, body)."""
    subject, _sep, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"
