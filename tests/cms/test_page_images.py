"""Programme and office pages carry a picture sized for phones (issue 17)."""

import re

from django.core.cache import cache
from django.test import Client

from cms.models import RegionalOfficePage
from courses.models import ProgrammePage
from tests.seeded import DemoTestCase

# What the programme list costs without pictures; two queries more fetch every
# card's picture and its renditions (a prefetch), never some per card.
QUERIES_WITHOUT_PICTURES = 18


def _pictures(html: str) -> list[str]:
    return re.findall(r"<picture>.*?</picture>", html, flags=re.S)


class PageImagesTests(DemoTestCase):
    def test_every_demo_office_and_programme_has_a_described_picture(self):
        for page in list(RegionalOfficePage.objects.live()) + list(
            ProgrammePage.objects.live()
        ):
            assert page.image is not None, page.title
            assert page.image_alt.startswith("Illustration"), page.title

    def test_office_cards_offer_phone_sized_renditions_loaded_lazily(self):
        html = Client().get("/offices/").content.decode()
        pictures = _pictures(html)
        assert len(pictures) == RegionalOfficePage.objects.live().count()
        for picture in pictures:
            assert 'type="image/avif"' in picture and 'type="image/webp"' in picture
            assert 'loading="lazy"' in picture
            assert re.search(
                r'alt="Illustration: a city skyline for the [^"]+"', picture
            )
            assert "400x225" in picture or re.search(r'width="400"', picture)

    def test_programme_page_picture_comes_after_the_enrolment_box(self):
        page = ProgrammePage.objects.live().get(title="eGovFrame Technical Training")
        html = Client().get(page.url).content.decode()
        (picture,) = _pictures(html.split("<main", 1)[1])
        assert 'loading="lazy"' in picture
        assert re.search(r"srcset=\"[^\"]+ 400w, [^\"]+ 800w\"", picture), picture
        assert 'sizes="(max-width: 800px) 100vw, 800px"' in picture
        assert (
            'alt="Illustration: a city skyline for eGovFrame Technical Training"'
            in picture
        )
        # What an official decides on comes first: the enrolment box is above it.
        assert html.index('class="enrol-box') < html.index(picture)

    def test_programme_cards_carry_pictures_without_a_query_per_card(self):
        client = Client()
        shown = 0
        for when in ("upcoming", "past"):
            client.get(f"/programmes/?when={when}")  # renditions made on first render
            cache.clear()  # the anonymous page cache would answer without queries
            with self.assertMaxNumQueries(QUERIES_WITHOUT_PICTURES + 2):
                html = client.get(f"/programmes/?when={when}").content.decode()
            cards = html.count('<li class="card">')
            assert cards and len(_pictures(html)) == cards, when
            shown += cards
        assert shown == ProgrammePage.objects.live().public().count()
