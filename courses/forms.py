"""Forms for the human pages; they check shape only, services decide."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ProgrammeFormat, ProgrammeKind
from .services.answers import DELIVERY_LOCATIONS, QUESTIONS


class GroupField(forms.CharField):
    """Colleagues' e-mail addresses, separated by commas, spaces or new lines."""

    def to_python(self, value):
        import re

        value = super().to_python(value)
        return [e for e in re.split(r"[\s,;]+", value or "") if e]

    def validate(self, value):
        from django.core.validators import validate_email

        super().validate(",".join(value))
        for email in value:
            validate_email(email)


class ApplicationForm(forms.Form):
    motivation = forms.CharField(
        label=_("Why do you want to take part, and how will your city use it?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
    )
    technical_experience = forms.CharField(
        label=_("Your experience with Java, Spring and MyBatis"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )
    delivery_location = forms.ChoiceField(
        label=_("Where should the training take place?"),
        choices=list(DELIVERY_LOCATIONS.items()),
        widget=forms.RadioSelect,
    )
    preferred_dates = forms.CharField(
        label=_("Preferred dates"),
        max_length=200,
        help_text=_("e.g. any week in March, or 10–13 June"),
    )
    letter_of_intent = forms.FileField(
        label=_("Letter of intent (PDF, at most 5 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    colleagues = GroupField(
        label=_("Colleagues applying with you (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, programme, group_size=None, **kwargs):
        super().__init__(*args, **kwargs)
        # ``group_size``: the delegation the applicant may lead now (the
        # programme's largest, lowered by their organisation's quota).
        size = programme.max_group_size if group_size is None else group_size
        if size > 1:
            self.fields["colleagues"].help_text = ngettext(
                "A city delegation: the e-mail address of %(n)s more official of "
                "your organisation with a WeGO Learning account. You are seated "
                "together or wait together.",
                "A city delegation: e-mail addresses of up to %(n)s officials of "
                "your organisation with a WeGO Learning account. You are seated "
                "together or wait together.",
                size - 1,
            ) % {"n": size - 1}
        else:
            del self.fields["colleagues"]
        flags = {
            "motivation": programme.asks_motivation,
            "technical_experience": programme.asks_technical_experience,
            "delivery_location": programme.asks_delivery_location,
            "preferred_dates": programme.asks_preferred_dates,
            "letter_of_intent": programme.accepts_letter_of_intent,
        }
        for name, asked in flags.items():
            if not asked:
                del self.fields[name]
        for name in QUESTIONS:
            field = self.fields.get(name)
            if field is not None and not programme.answers_required:
                field.required = False
                field.label = format_lazy(
                    _("{question} (optional)"), question=field.label
                )

    # Fields that are not answers to the programme's questions.
    not_answers = ("letter_of_intent", "colleagues")

    def answers(self) -> dict:
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in self.not_answers and v not in (None, "")
        }


class NominationForm(ApplicationForm):
    """A focal point names the officials of their city who will attend.

    The programme's questions are answered once for all of them.
    """

    emails = GroupField(
        label=_("Officials you nominate"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    not_answers = ("letter_of_intent", "colleagues", "emails")
    field_order = ["emails"]
    # Its fields' names and ids never clash with the application form's.
    prefix = "nominate"

    def __init__(self, *args, programme, organisation, size=None, **kwargs):
        super().__init__(*args, programme=programme, **kwargs)
        self.fields.pop("colleagues", None)
        self.fields.pop("letter_of_intent", None)
        # ``size``: how many may be named now (the delegation size, lowered
        # by the places the organisation's quota leaves).
        n = programme.max_group_size if size is None else size
        self.fields["emails"].help_text = ngettext(
            "The e-mail address of %(n)s official of %(org)s with a WeGO "
            "Learning account.",
            "E-mail addresses of up to %(n)s officials of %(org)s with a WeGO "
            "Learning account. They are seated together or wait together.",
            n,
        ) % {"n": n, "org": organisation.name}


class SupportSlotForm(forms.Form):
    """A trainer publishes a slot; the times are read in the chosen zone."""

    starts_at = forms.DateTimeField(
        label=_("Starts (local time in the zone below)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    minutes = forms.IntegerField(
        label=_("Length (minutes)"), min_value=15, max_value=240, initial=60
    )
    timezone = forms.CharField(label=_("Time zone"), max_length=64)
    capacity = forms.IntegerField(
        label=_("Places"), min_value=1, max_value=20, initial=1
    )
    video_link = forms.URLField(
        label=_("Video link (shown only to the booker)"),
        required=False,
        assume_scheme="https",
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean(self):
        import zoneinfo
        from datetime import timedelta

        from django.utils import timezone as tz

        data = super().clean()
        zone_name = data.get("timezone")
        start = data.get("starts_at")
        if zone_name:
            try:
                zone = zoneinfo.ZoneInfo(zone_name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                self.add_error(
                    "timezone", _("Give a time zone name such as Asia/Seoul.")
                )
                return data
            if start is not None and data.get("minutes"):
                naive = tz.make_naive(start) if tz.is_aware(start) else start
                data["starts_at"] = naive.replace(tzinfo=zone)
                data["ends_at"] = data["starts_at"] + timedelta(minutes=data["minutes"])
        return data


class PresentationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("Slides (PDF, at most 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )


class ProgrammeFilterForm(forms.Form):
    office = forms.ChoiceField(label=_("Office"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds"))] + list(ProgrammeKind.choices),
    )
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("All formats"))] + list(ProgrammeFormat.choices),
    )
    open = forms.BooleanField(label=_("Open for enrolment only"), required=False)
    when = forms.ChoiceField(
        label=_("When"),
        required=False,
        choices=[("upcoming", _("Upcoming")), ("past", _("Past editions"))],
    )

    def __init__(self, *args, offices, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [("", _("All offices"))] + [
            (o["slug"], o["title"]) for o in offices
        ]
        self.fields["topic"].choices = [("", _("All topics"))] + [
            (t["slug"], t["name"]) for t in topics
        ]
