import pytest

from .factories import make_programme, site_tree


@pytest.fixture
def office(db):
    return site_tree()[1]


@pytest.fixture
def programme(office):
    return make_programme(office=office)
