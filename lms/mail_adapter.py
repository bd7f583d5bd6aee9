"""allauth's account e-mails (confirm address, reset password, sign-in
codes…) in the platform's branded form and in the recipient's language."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.mail import EmailMessage
from django.utils import translation

from .emails import with_html_alternative


class AccountAdapter(DefaultAccountAdapter):
    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> EmailMessage:
        message = super().render_mail(template_prefix, email, context, headers)
        return with_html_alternative(message)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """In the account's preferred language when it has one, else the page's."""
        user = context.get("user")
        language = getattr(user, "preferred_language", "") or translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)
