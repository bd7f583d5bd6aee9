"""Plain-text e-mail bodies, rendered without HTML escaping.

Django's template engine escapes every variable for HTML, which is right for
pages and wrong for a ``text/plain`` message: a programme called "Hanoi's
data portal" arrived as "Hanoi&#x27;s data portal". Every app renders its
``.txt`` e-mails here, so no template has to remember ``{% autoescape off %}``
(``tests/lms/test_plain_text_emails.py`` sends each one and checks).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.html import format_html, urlize
from django.utils.safestring import SafeString, mark_safe

from lms.links import base_url


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


def body_html(body: str) -> SafeString:
    """A plain-text body as HTML paragraphs: escaped, links made clickable,
    line breaks kept (every e-mail is written once, as text)."""
    paragraphs = [p for p in body.strip().split("\n\n") if p.strip()]
    parts = [
        format_html(
            '<p style="margin:0 0 14px;">{}</p>',
            mark_safe(  # noqa: S308 - urlize escaped the text itself
                urlize(paragraph.strip(), autoescape=True)
                .replace("<a ", '<a style="color:#0b4f8a;" ')
                .replace("\n", "<br>")
            ),
        )
        for paragraph in paragraphs
    ]
    return mark_safe("".join(parts))  # noqa: S308 - each part is format_html


def branded_email(
    subject: str,
    body: str,
    to: list[str],
    *,
    language: str | None = None,
    from_email: str | None = None,
    message_key: str | None = None,
) -> EmailMultiAlternatives:
    """The message every app sends: the text body, and the same words as a
    WeGO-branded HTML alternative, in ``language`` (default: the active one).

    ``message_key`` names the one message this is (``certificate-<code>-issued``):
    it becomes a fixed Message-ID, so a send repeated after a crash between the
    send and its record is the same message, which mail clients show once.
    """
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        html = render_to_string(
            "email/base.html",
            {
                "subject": subject,
                "body": body_html(body),
                "language": language,
                "site_url": base_url(),
            },
        )
    headers = {"Message-ID": stable_message_id(message_key)} if message_key else None
    message = EmailMultiAlternatives(
        subject, body, from_email or settings.DEFAULT_FROM_EMAIL, to, headers=headers
    )
    message.attach_alternative(html, "text/html")
    return message


def stable_message_id(key: str) -> str:
    """The Message-ID of the message ``key`` names: the same on every send."""
    host = urlsplit(base_url()).hostname or "localhost"
    return f"<{key}@{host}>"


def with_html_alternative(message: EmailMessage) -> EmailMessage:
    """``message`` with the branded HTML alternative added, unless it has one."""
    if getattr(message, "alternatives", None) or message.content_subtype == "html":
        return message
    branded = branded_email(
        message.subject, message.body, list(message.to), from_email=message.from_email
    )
    branded.cc, branded.bcc = message.cc, message.bcc
    branded.reply_to, branded.extra_headers = message.reply_to, message.extra_headers
    branded.attachments = list(message.attachments)
    return branded
