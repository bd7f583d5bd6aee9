from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("People and organisations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.urls import register_converter

        from . import schema  # noqa: F401 - registers the OpenAPI auth extension
        from .converters import IdConverter

        register_converter(IdConverter, "id")

        from allauth.account.signals import user_logged_in

        from .i18n import on_user_logged_in

        # Site sign-ins (password, second factor, e-mail confirmation) all end
        # in allauth's post_login, which sends this with the redirect.
        user_logged_in.connect(on_user_logged_in, dispatch_uid="lms-language")

        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Locale

        from .i18n import forget_locale_ids

        for signal in (post_save, post_delete):
            signal.connect(
                forget_locale_ids, sender=Locale, dispatch_uid=f"lms-locales-{signal}"
            )
