"""Every e-mail is text with a WeGO-branded HTML alternative, in the
recipient's language (issue 17); allauth's account e-mails too.

The messages are sent through the real services, as the tasks do (the same
run as tests/lms/test_plain_text_emails.py), and each one is read as a mail
client would: the text part, the HTML part, the attachments.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.lms.test_plain_text_emails import (
    TITLE,
    _send_every_certificate_email,
    _send_every_programme_email,
    _send_every_webinar_email,
    office,  # noqa: F401 - fixture
)

FOOTER_EN = "You receive this e-mail because of your account on WeGO Learning."
FOOTER_KO = "WeGO Learning 계정이 있어 이 이메일을 받으셨습니다."


def html_part(message) -> str:
    alternatives = [
        content for content, mimetype in message.alternatives if mimetype == "text/html"
    ]
    assert len(alternatives) == 1, (message.subject, message.alternatives)
    return alternatives[0]


def test_every_email_has_a_branded_html_part_with_the_same_words(
    office,  # noqa: F811
    staff_user,
    django_capture_on_commit_callbacks,
    settings,
    tmp_path,
):
    settings.CERTIFICATE_SIGNING_KEY = ""
    settings.DEV_SIGNING_KEY_PATH = tmp_path / "dev-signing-key.pem"

    def commits():
        return django_capture_on_commit_callbacks(execute=True)

    _send_every_programme_email(office, staff_user, commits)
    _send_every_webinar_email(commits)
    _send_every_certificate_email(office, staff_user, commits)

    assert len(mail.outbox) >= 14
    for message in mail.outbox:
        assert message.content_subtype == "plain"
        assert message.body.strip()
        html = html_part(message)
        assert html.startswith("<!DOCTYPE html>")
        assert 'lang="en"' in html
        assert "WeGO Learning</a>" in html  # the wordmark, linking to the site
        assert FOOTER_EN in html
        # The subject is the heading; names are escaped, never markup.
        assert "<City>" not in html and "<Co>" not in html
        assert "&lt;City&gt;" in html or TITLE not in message.body
        # Every link of the text is a link in the HTML.
        for word in message.body.split():
            if word.startswith("http"):
                assert f'href="{word.rstrip(".,)")}' in html, (message.subject, word)
    booked = [m for m in mail.outbox if m.attachments]
    assert booked, "the support booking confirmation carries its .ics"
    assert booked[0].attachments[0][0] == "technical-support.ics"


@pytest.mark.django_db
def test_a_korean_profile_gets_its_email_in_korean(django_capture_on_commit_callbacks):
    from tests.webinars.factories import office_page, webinar_page
    from webinars.services import webinar_register

    webinar = webinar_page(
        office_page(), slug="open-data-ko", starts_in=timedelta(days=2)
    )
    person = UserFactory(preferred_language="ko", timezone="Asia/Seoul")
    with django_capture_on_commit_callbacks(execute=True):
        webinar_register(webinar=webinar, user=person)
    (message,) = mail.outbox
    html = html_part(message)
    assert 'lang="ko"' in html
    assert FOOTER_KO in html
    assert any("\uac00" <= char <= "\ud7a3" for char in message.subject)
    # The time carries its zone in both parts.
    assert "(Europe/Ulyanovsk)" in message.body
    assert "(Europe/Ulyanovsk)" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "footer", "html_lang"),
    [("en", FOOTER_EN, "en"), ("ko", FOOTER_KO, "ko")],
)
def test_allauth_password_reset_is_branded_in_the_accounts_language(
    language, footer, html_lang
):
    person = UserFactory(preferred_language=language)
    # Asked for from an English page: the account's language still wins.
    response = Client().post(reverse("account_reset_password"), {"email": person.email})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [person.email]
    assert "/accounts/password/reset/key/" in message.body
    html = html_part(message)
    assert f'lang="{html_lang}"' in html
    assert footer in html
    assert "/accounts/password/reset/key/" in html
