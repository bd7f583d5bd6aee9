import os

import pytest
from django.core.management import call_command


@pytest.fixture
def site(db):
    """People (lms) and the public site (cms) of the demo, without other apps."""
    from cms import demo as cms_demo
    from lms import demo as lms_demo

    command = type("Cmd", (), {"stdout": open(os.devnull, "w")})()  # noqa: SIM115
    lms_demo.seed(command, {"crowd": 0})
    cms_demo.seed(command, {"crowd": 0})


@pytest.fixture
def full_demo(db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
