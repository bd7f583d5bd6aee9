import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.base")
# A sync WSGI worker (gunicorn) handles one request at a time in one thread:
# keep its database connection for a minute instead of opening one per
# request. Daphne (lms.asgi) keeps the default of 0, as Django advises for ASGI.
os.environ.setdefault("CONN_MAX_AGE", "60")

application = get_wsgi_application()

from lms.process import freeze_loaded_heap  # noqa: E402

freeze_loaded_heap()  # a stop within gunicorn's graceful timeout (lms.process)
