"""``LongSelect`` writes the HTML Django's ``Select`` templates write."""

import pytest
from django import forms
from django.utils.safestring import mark_safe

from lms.forms import ProfileForm, SignupForm
from lms.widgets import LongSelect

CHOICES = [
    ("", "---------"),
    ("UTC", "UTC"),
    ("Asia/Seoul", "Asia/Seoul"),
    ("a&b", 'Quotes " and <tags>'),
    (7, 7),
    ("Africa", [("Africa/Lagos", "Lagos"), ("Africa/Nairobi", "Nairobi")]),
    ("safe", mark_safe("<b>bold</b>")),
]


@pytest.mark.parametrize(
    "value", [None, "", "UTC", "Asia/Seoul", "a&b", 7, "Africa/Nairobi"]
)
@pytest.mark.parametrize(
    "attrs",
    [
        None,
        {"id": "id_tz", "required": True, "disabled": False, "aria-describedby": "a b"},
        {"data-browser-timezone": "", "autocomplete": "off", "class": 'x"y'},
    ],
)
def test_long_select_renders_as_django_select(value, attrs):
    django_select = forms.Select(choices=CHOICES)
    ours = LongSelect(choices=CHOICES)
    assert ours.render("timezone", value, attrs) == django_select.render(
        "timezone", value, attrs
    )


def test_long_select_renders_every_zone_as_django_select():
    zones = list(SignupForm().fields["timezone"].choices)
    assert len(zones) > 300
    ours = LongSelect(choices=zones).render(
        "timezone", "Asia/Seoul", {"id": "id_timezone"}
    )
    theirs = forms.Select(choices=zones).render(
        "timezone", "Asia/Seoul", {"id": "id_timezone"}
    )
    assert ours == theirs
    assert ours.count("<option") == len(zones)
    assert '<option value="Asia/Seoul" selected>Asia/Seoul</option>' in ours


def test_the_time_zone_fields_use_it():
    assert isinstance(SignupForm().fields["timezone"].widget, LongSelect)
    assert isinstance(ProfileForm.base_fields["timezone"].widget, LongSelect)
