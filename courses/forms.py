"""Forms for the human pages; they check shape only, services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ProgrammeFormat, ProgrammeKind
from .services.answers import DELIVERY_LOCATIONS


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

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
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

    def answers(self) -> dict:
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k != "letter_of_intent" and v not in (None, "")
        }


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
