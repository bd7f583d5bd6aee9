"""An office editor works in their own office's part of the tree, and nowhere else.

These tests drive the Wagtail admin over HTTP as ``editor.chengdu@wego.example``
(Asia Regional Office editors group).
"""

from wagtail.images import get_image_model
from wagtail.models import Page, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.models import NewsIndexPage, NewsPage, RegionalOfficePage, StandardPage
from lms.models import User
from tests.seeded import SiteTestCase


def _standard_page_data(title, action):
    data = nested_form_data(
        {
            "title": title,
            "slug": title.lower().replace(" ", "-"),
            "summary": "A regional training day.",
            "body": streamfield([("paragraph", rich_text("<p>Hello</p>"))]),
        }
    )
    data[action] = "1"
    return data


class OfficeEditorPermissionTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.editor = User.objects.get(email="editor.chengdu@wego.example")
        cls.admin_user = User.objects.get(email="admin@wego.example")
        cls.asia = RegionalOfficePage.objects.get(office_kind="asia")
        cls.eurasia = RegionalOfficePage.objects.get(office_kind="eurasia")

    def _eurasia_page(self):
        page = StandardPage(
            title="Open data in Ulyanovsk", slug="open-data", summary="x"
        )
        self.eurasia.add_child(instance=page)
        page.save_revision().publish()
        return page

    def test_office_editor_creates_and_submits_a_page_under_their_office(self):
        client = self.client
        client.force_login(self.editor)
        response = client.post(
            f"/admin/pages/add/cms/standardpage/{self.asia.pk}/",
            _standard_page_data("Chengdu training day", "action-submit"),
        )
        assert response.status_code == 302
        page = StandardPage.objects.get(slug="chengdu-training-day")
        assert page.get_parent().pk == self.asia.pk
        assert not page.live
        state = WorkflowState.objects.get(object_id=str(page.pk))
        assert state.status == WorkflowState.STATUS_IN_PROGRESS
        assert state.workflow.name == "Office approval"

    def test_office_editor_cannot_publish_directly_while_approval_is_required(self):
        client = self.client
        client.force_login(self.editor)
        client.post(
            f"/admin/pages/add/cms/standardpage/{self.asia.pk}/",
            _standard_page_data("Sneaky page", "action-publish"),
        )
        page = StandardPage.objects.get(slug="sneaky-page")
        assert not page.live
        response = client.get(page.url or "/offices/asia-chengdu/sneaky-page/")
        assert response.status_code in (404, 302)

    def test_secretariat_approval_publishes_the_submitted_page(self):
        client = self.client
        client.force_login(self.editor)
        client.post(
            f"/admin/pages/add/cms/standardpage/{self.asia.pk}/",
            _standard_page_data("Approved page", "action-submit"),
        )
        page = StandardPage.objects.get(slug="approved-page")
        state = WorkflowState.objects.get(object_id=str(page.pk))
        task_state = state.current_task_state
        client.force_login(self.admin_user)
        response = client.post(
            f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/",
            {"comment": ""},
        )
        assert response.status_code in (200, 302)
        page.refresh_from_db()
        assert page.live
        assert page.revisions.count() == 1

    def test_office_editor_can_publish_directly_once_the_secretariat_switches_approval_off(
        self,
    ):
        client = self.client
        # What the Secretariat's edit of the office page does: a published revision
        # (its page_published signal applies the office's publishing policy).
        self.asia.requires_approval = False
        self.asia.save_revision(user=self.admin_user, log_action=True).publish(
            user=self.admin_user
        )
        client.force_login(self.editor)
        client.post(
            f"/admin/pages/add/cms/standardpage/{self.asia.pk}/",
            _standard_page_data("Direct page", "action-publish"),
        )
        assert StandardPage.objects.get(slug="direct-page").live

    def test_only_the_secretariat_sees_an_offices_approval_switch(self):
        client = self.client
        client.force_login(self.admin_user)
        response = client.get(f"/admin/pages/{self.asia.pk}/edit/")
        assert response.status_code == 200
        assert 'name="requires_approval"' in response.content.decode()

    def test_office_editor_cannot_switch_approval_off_through_the_admin_form(self):
        client = self.client
        client.force_login(self.editor)
        response = client.get(f"/admin/pages/{self.asia.pk}/edit/")
        assert response.status_code == 200
        assert 'name="requires_approval"' not in response.content.decode()

    def test_office_editor_files_news_in_their_office_section(self):
        client = self.client
        section = NewsIndexPage.objects.get(office=self.asia)
        client.force_login(self.editor)
        data = nested_form_data(
            {
                "title": "Chengdu news",
                "slug": "chengdu-news",
                "date": "2026-01-05",
                "author": "Asia office",
                "summary": "Something happened.",
                "hero_alt": "",
                "body": streamfield([]),
                "tags": "training",
            }
        )
        data["action-submit"] = "1"
        response = client.post(f"/admin/pages/add/cms/newspage/{section.pk}/", data)
        assert response.status_code == 302
        news = NewsPage.objects.get(slug="chengdu-news")
        assert news.office_id == self.asia.pk
        assert not news.live

    def test_office_editor_cannot_add_news_to_another_offices_section(self):
        client = self.client
        section = NewsIndexPage.objects.get(office=self.eurasia)
        client.force_login(self.editor)
        response = client.post(
            f"/admin/pages/add/cms/standardpage/{section.pk}/",
            _standard_page_data("Wrong place", "action-submit"),
        )
        assert response.status_code in (302, 403)
        assert not Page.objects.filter(slug="wrong-place").exists()

    def test_office_editor_is_refused_editing_another_offices_page(self):
        client = self.client
        eurasia_page = self._eurasia_page()
        client.force_login(self.editor)
        assert client.get(f"/admin/pages/{eurasia_page.pk}/edit/").status_code in (
            302,
            403,
        )
        data = _standard_page_data("Hijacked", "action-publish")
        data["slug"] = eurasia_page.slug
        response = client.post(f"/admin/pages/{eurasia_page.pk}/edit/", data)
        assert response.status_code in (302, 403)
        eurasia_page.refresh_from_db()
        assert eurasia_page.title == "Open data in Ulyanovsk"
        assert eurasia_page.revisions.count() == 1

    def test_office_editor_is_refused_deleting_another_offices_page(self):
        client = self.client
        eurasia_page = self._eurasia_page()
        client.force_login(self.editor)
        response = client.post(f"/admin/pages/{eurasia_page.pk}/delete/")
        assert response.status_code in (302, 403)
        assert Page.objects.filter(pk=eurasia_page.pk).exists()

    def test_office_editor_is_refused_moving_pages_across_offices(self):
        client = self.client
        eurasia_page = self._eurasia_page()
        client.force_login(self.editor)
        response = client.post(
            f"/admin/pages/{eurasia_page.pk}/move/{self.asia.pk}/confirm/"
        )
        assert response.status_code in (302, 403)
        eurasia_page.refresh_from_db()
        assert eurasia_page.get_parent().specific.office_kind == "eurasia"

    def test_office_editor_is_refused_unpublishing_copying_and_history_of_other_office(
        self,
    ):
        client = self.client
        eurasia_page = self._eurasia_page()
        client.force_login(self.editor)
        response = client.post(f"/admin/pages/{eurasia_page.pk}/unpublish/")
        assert response.status_code in (302, 403)
        response = client.post(
            f"/admin/pages/{eurasia_page.pk}/copy/",
            {"new_title": "Copy", "new_slug": "copy", "new_parent_page": self.asia.pk},
        )
        assert response.status_code in (302, 403)
        assert not Page.objects.filter(slug="copy").exists()
        assert client.get(f"/admin/pages/{eurasia_page.pk}/history/").status_code in (
            302,
            403,
            404,
        )
        eurasia_page.refresh_from_db()
        assert eurasia_page.live

    def test_office_editor_cannot_use_images_of_another_offices_collection(self):
        client = self.client
        eurasia_image = get_image_model().objects.get(
            collection__name="Eurasia Regional Office",
            title__startswith="A second regional office",
        )
        asia_image = get_image_model().objects.get(
            title="The Asia Regional Office opens in Chengdu"
        )
        client.force_login(self.editor)
        chooser = client.get("/admin/images/chooser/").content.decode()
        assert asia_image.title in chooser
        assert eurasia_image.title not in chooser
        assert client.get(f"/admin/images/{eurasia_image.pk}/").status_code in (
            302,
            403,
        )
        chosen = client.get(f"/admin/images/chooser/{eurasia_image.pk}/")
        assert chosen.status_code in (302, 403, 404)
        response = client.post(
            f"/admin/images/{eurasia_image.pk}/delete/", follow=False
        )
        assert response.status_code in (302, 403)
        assert get_image_model().objects.filter(pk=eurasia_image.pk).exists()
