"""Organisations in the Wagtail admin, for the Secretariat."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Organisation


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "site"
    menu_label = _("Organisations")
    menu_order = 250
    add_to_admin_menu = True
    list_display = [
        "name",
        "kind",
        "country",
        "region",
        "membership_tier",
        "membership_expires_on",
    ]
    list_filter = ["kind", "region", "membership_tier"]
    search_fields = ["name", "country"]
    list_export = [
        "name",
        "kind",
        "country",
        "region",
        "membership_tier",
        "member_since",
        "membership_expires_on",
    ]
    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("country"),
        FieldPanel("region"),
        MultiFieldPanel(
            [
                FieldPanel("membership_tier"),
                FieldPanel("member_since"),
                FieldPanel("membership_expires_on"),
            ],
            heading=_("Membership"),
        ),
        MultiFieldPanel(
            [FieldPanel("focal_point_name"), FieldPanel("focal_point_email")],
            heading=_("Focal point"),
        ),
        FieldPanel("website"),
    ]


@hooks.register("register_admin_viewset")
def register_organisation_viewset():
    return OrganisationViewSet("organisations")
