"""Sign-up and profile forms: shape only; saving goes through services."""

import functools
import zoneinfo

from allauth.mfa.base.forms import AuthenticateForm
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Organisation, Skill, SkillLevel
from .services import organisation_get_or_create_unlisted, user_update_profile
from .widgets import LongSelect


@functools.cache
def _timezone_choices() -> tuple[tuple[str, str], ...]:
    """The zones the system knows, read once per process: listing them walks
    the zone database on disk (about 15 ms), and it changes only with the
    system's ``tzdata``, which a restart picks up."""
    return tuple((name, name) for name in sorted(zoneinfo.available_timezones()))


class OrganisationChoiceMixin(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        required=False,
        help_text=_("Your city, local government or institution."),
    )
    organisation_other = forms.CharField(
        label=_("Not in the list? Its name"),
        max_length=200,
        required=False,
        help_text=_("The Secretariat will check its WeGO membership."),
    )

    def chosen_organisation(self):
        organisation = self.cleaned_data.get("organisation")
        other = (self.cleaned_data.get("organisation_other") or "").strip()
        if organisation is None and other:
            organisation = organisation_get_or_create_unlisted(name=other)
        return organisation


class SignupForm(OrganisationChoiceMixin):
    """Extra fields on allauth's sign-up form; all optional to keep sign-up short."""

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    # Every time on the site and in e-mails is also shown in this zone. Without
    # JavaScript it starts at UTC; with it, the browser's own zone is filled in
    # (static/js/timezone.js reads ``data-browser-timezone``).
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=_timezone_choices,
        initial="UTC",
        required=False,
        widget=LongSelect(attrs={"data-browser-timezone": "", "autocomplete": "off"}),
    )

    field_order = [
        "email",
        "password1",
        "first_name",
        "last_name",
        "organisation",
        "organisation_other",
        "timezone",
    ]

    def signup(self, request, user) -> None:
        user_update_profile(
            user=user,
            first_name=self.cleaned_data.get("first_name", ""),
            last_name=self.cleaned_data.get("last_name", ""),
            organisation=self.chosen_organisation(),
            preferred_language=getattr(request, "LANGUAGE_CODE", "en") or "en",
            timezone_name=self.cleaned_data.get("timezone") or "UTC",
        )


class ProfileForm(OrganisationChoiceMixin):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=200, required=False)
    department = forms.CharField(label=_("Department"), max_length=200, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=settings.LANGUAGES, required=False
    )
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=_timezone_choices,
        required=False,
        widget=LongSelect,
    )

    field_order = [
        "first_name",
        "last_name",
        "organisation",
        "organisation_other",
        "job_title",
        "department",
        "preferred_language",
        "timezone",
    ]

    def __init__(self, *args, user, **kwargs):
        self.user = user
        initial = {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "organisation": user.organisation_id,
            "job_title": user.job_title,
            "department": user.department,
            "preferred_language": user.preferred_language or "en",
            "timezone": user.timezone or "UTC",
        }
        for user_skill in user.skills.all():
            initial[f"skill_{user_skill.skill}"] = user_skill.level
        super().__init__(*args, initial=initial, **kwargs)
        for skill in Skill:
            self.fields[f"skill_{skill.value}"] = forms.ChoiceField(
                label=skill.label,
                choices=SkillLevel.choices,
                initial=SkillLevel.NONE,
                required=False,
            )

    def skill_fields(self):
        return [self[f"skill_{skill.value}"] for skill in Skill]

    def save(self):
        data = self.cleaned_data
        return user_update_profile(
            user=self.user,
            first_name=data["first_name"],
            last_name=data["last_name"],
            organisation=self.chosen_organisation(),
            job_title=data["job_title"],
            department=data["department"],
            preferred_language=data["preferred_language"] or "en",
            timezone_name=data["timezone"] or "UTC",
            skills={
                skill.value: data.get(f"skill_{skill.value}") or SkillLevel.NONE
                for skill in Skill
            },
        )


class SecondFactorForm(AuthenticateForm):
    """allauth's code step, under the same lock-out as the password (lms.signin).

    A locked account is refused even the right code; a wrong code counts as a
    failed sign-in of the account.
    """

    def clean_code(self) -> str:
        from allauth.core import context

        from .signin import (
            locked_out_message,
            signin_is_locked,
            signin_record_failure,
        )

        request = context.request
        if signin_is_locked(request, self.user.email):
            raise forms.ValidationError(locked_out_message(), code="locked_out")
        try:
            return super().clean_code()
        except forms.ValidationError:
            signin_record_failure(request, self.user.email)
            raise
