from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Programmes and enrolment")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, signals

        checks.ensure_read_committed()

        signals.connect()
