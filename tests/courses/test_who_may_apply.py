"""The programme page says who may apply, to everybody, in their language."""

from django.test import Client
from django.utils import translation

from courses.models import ProgrammePage
from courses.rules import rules_who_may_apply
from tests.seeded import DemoTestCase


class WhoMayApplyTests(DemoTestCase):
    def test_who_may_apply_is_said_from_the_rules(self):
        egov = ProgrammePage.objects.get(slug="egovframe-technical-training")
        with translation.override("en"):
            assert rules_who_may_apply(egov.rules) == [
                "WeGO members: Full member, Associate member",
                "Java at intermediate level or above",
            ]
        with translation.override("ko"):
            assert rules_who_may_apply(egov.rules)[1] == "Java 중급 수준 이상"

    def test_the_programme_page_shows_it_before_signing_in(self):
        egov = ProgrammePage.objects.get(slug="egovframe-technical-training")
        with translation.override("en"):
            url = egov.url
        html = Client().get(url).content.decode()
        assert "Who may apply" in html
        assert "Java at intermediate level or above" in html
        korean = Client().get(f"/ko{url}").content.decode()
        assert "신청 자격" in korean
        assert "WeGO 회원:" in korean

    def test_a_programme_without_such_rules_is_open_to_anyone_signed_in(self):
        programme = ProgrammePage.objects.get(slug="seoul-program-2016")
        programme.rules = []
        with translation.override("en"):
            assert rules_who_may_apply(programme.rules) == []
