"""Certificates in the Wagtail admin: templates (snippets), revocation, impact report."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.views.generic import EditView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from lms.errors import DomainError

from . import admin_views
from .models import Certificate, CertificateTemplate
from .selectors import user_is_secretariat
from .services import certificate_revoke


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    menu_label = _("Certificate templates")
    list_display = ["title", "language", "orientation", "is_default"]
    search_fields = ["title"]


register_snippet(CertificateTemplateViewSet)


class CertificatePermissionPolicy(ModelPermissionPolicy):
    """Certificates are issued by the service, never added or edited by hand.

    The Secretariat may list, inspect and revoke; nobody adds or deletes.
    """

    def user_has_permission(self, user, action):
        if action in ("add", "delete", "copy"):
            return False
        return user_is_secretariat(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(
    Certificate, CertificatePermissionPolicy(Certificate), exact_class=True
)


class RevokeView(EditView):
    """The edit form of a certificate is its revocation: a reason, then revoke."""

    page_title = _("Revoke certificate")
    submit_button_label = _("Revoke")
    success_message = _("Certificate '%(object)s' revoked.")

    def save_instance(self):
        return certificate_revoke(
            certificate=self.object,
            actor=self.request.user,
            reason=self.form.cleaned_data.get("revoked_reason", ""),
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except DomainError as exc:
            form.add_error(None, exc.message)
            self.produced_error_code = exc.code
            self.produced_error_message = exc.message
            return self.form_invalid(form)


class CertificateViewSet(ModelViewSet):
    model = Certificate
    icon = "tick-inverse"
    menu_label = _("Certificates")
    menu_order = 260
    add_to_admin_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    edit_view_class = RevokeView
    search_backend_name = None
    list_display = ["code", "holder_name", "programme_title", "status", "issued_at"]
    list_filter = ["status", "language"]
    search_fields = ["code", "holder_name", "holder_email", "programme_title"]
    list_export = [
        "code",
        "holder_name",
        "organisation_name",
        "programme_title",
        "status",
        "issued_at",
        "revoked_at",
        "revoked_reason",
    ]
    inspect_view_fields = [
        "code",
        "holder_name",
        "holder_email",
        "organisation_name",
        "organisation_country",
        "programme_title",
        "starts_on",
        "ends_on",
        "hours",
        "office_name",
        "trainer_names",
        "issued_at",
        "issued_by",
        "status",
        "revoked_at",
        "revoked_by",
        "revoked_reason",
        "status_list_index",
    ]
    form_fields = ["revoked_reason"]
    panels = [FieldPanel("revoked_reason")]


@hooks.register("register_admin_viewset")
def register_certificate_viewset():
    return CertificateViewSet("issued_certificates")


@hooks.register("register_admin_urls")
def register_impact_report_url():
    return [
        path(
            "reports/impact/",
            admin_views.impact_report,
            name="certificates_impact_report",
        ),
        path(
            "certificates/webinars/",
            admin_views.webinar_certificates,
            name="certificates_webinar_list",
        ),
    ]


class SecretariatMenuItem(MenuItem):
    def is_shown(self, request):
        return user_is_secretariat(request.user)


@hooks.register("register_reports_menu_item")
def register_impact_report_menu_item():
    return SecretariatMenuItem(
        _("Impact report"),
        reverse("certificates_impact_report"),
        icon_name="pick",
        order=900,
    )


class WebinarModeratorMenuItem(MenuItem):
    """Shown to likely moderators (a cheap test on every admin page; the page
    itself checks exactly)."""

    def is_shown(self, request):
        user = request.user
        return bool(
            user_is_secretariat(user)
            or user.is_superuser
            or user.hosted_webinars.exists()
            or user.groups.filter(name__startswith="Editors: ").exists()
        )


@hooks.register("register_admin_menu_item")
def register_webinar_certificates_menu_item():
    return WebinarModeratorMenuItem(
        _("Webinar certificates"),
        reverse("certificates_webinar_list"),
        icon_name="doc-full",
        order=850,
    )
