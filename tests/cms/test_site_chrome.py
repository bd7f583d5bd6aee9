"""The site's header and footer are shared fragments: the same HTML for every
visitor, rendered without the visitor, and current after any change."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client, RequestFactory

from lms.models import User
from tests.seeded import SiteTestCase


def _chrome(html: str) -> tuple[str, str]:
    """The header up to the account menu, and the footer."""
    header = html.split('<header class="site-header">')[1].split(
        '<nav aria-label="Account">'
    )[0]
    footer = html.split('<footer class="site-footer">')[1].split("</footer>")[0]
    return header, footer


def _signed_in(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def test_a_shared_fragment_needs_one_quoted_name():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load cms_tags %}{% shared_fragment %}x{% endshared_fragment %}")
    with pytest.raises(TemplateSyntaxError):
        Template(
            "{% load cms_tags %}{% shared_fragment name %}x{% endshared_fragment %}"
        )


class SiteChromeTests(SiteTestCase):
    def test_header_and_footer_are_the_same_for_everyone_and_nobody_in_particular(self):
        hanoi = _signed_in("dev.hanoi@wego.example")
        editor = _signed_in("editor.chengdu@wego.example")
        visitor = Client()
        visitor.cookies["sessionid"] = "none"  # not served from the page cache

        first = hanoi.get("/").content.decode()
        pages = [
            first,
            editor.get("/").content.decode(),
            visitor.get("/").content.decode(),
        ]
        chromes = [_chrome(html) for html in pages]
        assert chromes[0] == chromes[1] == chromes[2]
        header, footer = chromes[0]
        assert 'href="/programmes/"' in header and "Programmes" in header
        assert 'action="/search/"' in header
        assert "Verify a certificate" in footer
        for person in User.objects.filter(email__in=["dev.hanoi@wego.example"]):
            for personal in (person.email, person.first_name, person.last_name):
                assert personal not in header + footer
        assert "csrfmiddlewaretoken" not in header + footer
        # The account menu around them is still each visitor's own.
        assert "Sign out" in first and "Sign in" in pages[2]

    def test_each_language_has_its_own_chrome(self):
        client = _signed_in("dev.hanoi@wego.example")
        english, _ = _chrome(client.get("/").content.decode())
        korean, _ = _chrome(client.get("/ko/").content.decode())
        assert 'href="/ko/programmes/"' in korean and "/ko/" not in english
        assert english != korean

    def test_a_site_settings_change_reaches_the_chrome_at_once(self):
        from wagtail.models import Site

        from cms.models import SiteSettings

        client = _signed_in("dev.hanoi@wego.example")
        _chrome(client.get("/").content.decode())  # cached now
        settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
        settings.contact_email = "learning@wego.example"
        settings.site_name = "WeGO Academy"
        with self.captureOnCommitCallbacks(execute=True):
            settings.save()
        header, footer = _chrome(client.get("/").content.decode())
        assert "WeGO Academy" in header
        assert "learning@wego.example" in footer and "WeGO Academy" in footer

    def test_a_shared_fragment_cannot_see_the_visitor(self):
        request = RequestFactory().get("/somewhere/")
        request.user = User.objects.get(email="dev.hanoi@wego.example")
        template = Template(
            "{% load cms_tags %}{% shared_fragment 'probe' %}"
            "[{{ user.email }}|{{ user.is_authenticated }}|{{ request.path }}|"
            "{{ csrf_token }}|{{ perms }}]{% endshared_fragment %}"
            " {{ user.email }}"
        )
        context = Context(
            {"request": request, "user": request.user, "csrf_token": "secret"}
        )
        html = template.render(context)
        assert html == "[|False|||] dev.hanoi@wego.example"
        # Outside the tag the visitor is back.
        assert context["user"] == request.user
        assert not isinstance(context["user"], AnonymousUser)

    def test_link_previews_describe_each_page_with_what_it_has(self):
        from cms.models import HomePage, NewsPage

        def og_description(html: str) -> str:
            return html.split('<meta property="og:description" content="')[1].split(
                '"'
            )[0]

        client = Client()
        client.cookies["sessionid"] = "none"
        home = HomePage.objects.get(slug="home", locale__language_code="en")
        assert not home.search_description
        assert og_description(client.get("/").content.decode()) == (
            "Training and capacity building for the cities of WeGO."
        )
        news = NewsPage.objects.live().filter(locale=home.locale).exclude(summary="")[0]
        assert og_description(client.get(news.url).content.decode()) == news.summary
        news.search_description = "What happened, in one line"
        news.save_revision().publish()
        assert og_description(client.get(news.url).content.decode()) == (
            "What happened, in one line"
        )
