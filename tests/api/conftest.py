from tests.cms.conftest import site  # noqa: F401 - the public site's demo pages
