import pytest

from tests.conftest import seed_full_demo, seed_site, use_seeding


@pytest.fixture
def site(_shared_seeding, db, request):
    """People (lms) and the public site (cms) of the demo, without other apps."""
    use_seeding(_shared_seeding, request, seed_site)


@pytest.fixture
def full_demo(_shared_seeding, db, request):
    use_seeding(_shared_seeding, request, seed_full_demo)
