"""Settings for WeGO Learning.

Everything comes from the environment, with embedded defaults so that a bare
machine runs the platform at once: SQLite under ``var/``, an in-memory channel
layer, Celery tasks run eagerly, and e-mail printed to the console.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

# Off by default so `make run` behaves like production (styled error pages,
# hashed static files); set DEBUG=true while developing.
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str(
    "SECRET_KEY",
    # Development-only key; production.py refuses to start without a real one.
    default="dev-only-insecure-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz",
)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Reverse proxies whose X-Real-IP is the client's address (lms.proxy).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# Where the platform is reached, for absolute links (e-mails, QR codes,
# credentials, the API). Unset: the server that serves (``make run PORT=…``
# passes WEGO_SERVED_URL), else 127.0.0.1:8000; see lms/links.py.
BASE_URL = (
    env.str("BASE_URL", default="")
    or env.str("WEGO_SERVED_URL", default="")
    or "http://127.0.0.1:8000"
).rstrip("/")
# JSON {code, detail} under /api/, Django's page elsewhere.
CSRF_FAILURE_VIEW = "lms.views.csrf_failure"
WAGTAILADMIN_BASE_URL = BASE_URL

INSTALLED_APPS = [
    # Our apps first so their templates override third-party ones.
    "lms",
    "cms",
    "courses",
    "webinars",
    "certificates",
    "daphne",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.table_block",
    "wagtail.contrib.typed_table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_celery_beat",
    "django_celery_results",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # First: everything after it sees the client's address, not the proxy's.
    "lms.proxy.TrustedProxyMiddleware",
    # Request id (header, logs, JSON errors) and latency by view (lms.observability).
    "lms.observability.RequestObservabilityMiddleware",
    # Shared values read once per request (lms.request_memo): the locale table
    # and the page-cache generation.
    "lms.request_memo.RequestMemoMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous full-page cache (cms): must see the final response headers.
    "cms.middleware.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lms.middleware.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # REQUIRE_TWO_FACTOR: staff, trainers and editors set up two-factor first.
    "lms.middleware.SecondFactorSetupMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Axes last of the stack proper, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"
ASGI_APPLICATION = "lms.asgi.application"
# The WebSocket routes, named by string so that lms never imports a higher app.
WEBSOCKET_URLPATTERNS = env.list(
    "WEBSOCKET_URLPATTERNS",
    default=[
        "lms.routing.websocket_urlpatterns",
        "webinars.routing.websocket_urlpatterns",
    ],
)

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "lms.i18n.language_prefix",
            ],
        },
    },
]

# Requests inside Django at once per ASGI (Daphne) process; the rest wait in the
# event loop for a slot (lms.asgi_http). 0: no limit.
ASGI_HTTP_CONCURRENCY = env.int("ASGI_HTTP_CONCURRENCY", default=8)

# --- Database -----------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Seat allocation relies on READ COMMITTED row locks (see courses.services);
    # it is PostgreSQL's default, pinned here so nobody changes it by accident.
    from psycopg import IsolationLevel

    DATABASES["default"].setdefault("OPTIONS", {})["isolation_level"] = (
        IsolationLevel.READ_COMMITTED
    )
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    # SQLite (the embedded default): writers wait their turn instead of
    # failing. BEGIN IMMEDIATE takes the write lock at the start of a
    # transaction, so two applicants never both read and then collide on the
    # upgrade (which SQLite refuses at once, busy timeout or not); WAL lets
    # pages be read while someone writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
# 0 (a connection per request) unless set; lms.wsgi sets 60 for sync workers.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

# --- Redis: channel layer, Celery broker, cache ---------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# Seconds a channel-layer Redis read may take: longer than its 5 s blocking pop.
REDIS_LAYER_SOCKET_TIMEOUT = 15
# django-redis: pools shared process-wide; Redis away is a miss (reads) or a
# dropped write, logged, never a 500 (lms/cache.py).
REDIS_CACHE_OPTIONS = {
    "SOCKET_CONNECT_TIMEOUT": 1,
    "SOCKET_TIMEOUT": 1,
    "IGNORE_EXCEPTIONS": True,
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

if REDIS_URL:
    from lms.redis_layer import connection_class as redis_layer_connection_class

    CHANNEL_LAYERS = {
        "default": {
            # channels-redis's layer; a cancelled receive keeps the message
            # it had just taken (lms/redis_layer.py).
            "BACKEND": "lms.redis_layer.ChannelLayer",
            "CONFIG": {
                # channels-redis waits on BZPOPMIN for up to 5 s
                # (``RedisChannelLayer.brpop_timeout``); redis-py's asyncio
                # client times a socket out after 5 s by default, so every
                # quiet wait raised TimeoutError and closed idle sockets with
                # 1011. The read timeout must outlast the blocking pop
                # (``tests/webinars/test_settings_redis.py`` checks it).
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": REDIS_LAYER_SOCKET_TIMEOUT,
                        "socket_connect_timeout": 2,
                        "socket_keepalive": True,
                        # A connection idle this long is PINGed before use, so
                        # one left over from a Redis restart is replaced.
                        "health_check_interval": 30,
                        # Writes that pass cancellations on (lms/redis_layer.py).
                        "connection_class": redis_layer_connection_class(REDIS_URL),
                    }
                ],
                "capacity": 500,
                # Group membership must outlive the longest WebSocket session.
                "group_expiry": 86400,
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "wego",
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True

# With no beat (``make run``: no broker, tasks run eager) each open Q&A room
# re-reports its attendees' minutes to the linked programme session itself,
# at most once per interval, as ``webinars-report-attendance`` does under beat.
WEBINAR_ROOM_REPORTS_ATTENDANCE = env.bool(
    "WEBINAR_ROOM_REPORTS_ATTENDANCE", default=CELERY_TASK_ALWAYS_EAGER
)
WEBINAR_ROOM_REPORT_SECONDS = env.float("WEBINAR_ROOM_REPORT_SECONDS", default=60.0)

CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# On SIGTERM (REMAP_SIGTERM=SIGQUIT, as bin/serve and deploy/ run the worker)
# running tasks get this long to finish; the rest go back to the queue (acks
# late) for the next worker, so a stop or deploy is bounded, never a lost task.
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = env.float(
    "CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT", default=6.0
)
# A Redis broker re-delivers tasks not acknowledged within the visibility
# timeout; it must exceed the longest task and the longest ETA we schedule.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 3600}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "courses-expire-offers": {
        "task": "courses.tasks.expire_offers",
        "schedule": 15 * 60,
    },
    "courses-send-reminders": {
        "task": "courses.tasks.send_reminders",
        "schedule": 3600,
    },
    "webinars-send-reminders": {
        "task": "webinars.tasks.send_webinar_reminders",
        "schedule": 15 * 60,
    },
    "webinars-report-attendance": {
        "task": "webinars.tasks.report_webinar_attendance",
        "schedule": 10 * 60,
    },
}

# --- Auth -------------------------------------------------------------------------
AUTH_USER_MODEL = "lms.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
# Pages restricted to signed-in visitors send them to the same log-in page.
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"  # reversed in the visitor's language
LOGIN_REDIRECT_URL = "/"
# allauth's e-mails: branded HTML + text, in the account's language.
ACCOUNT_ADAPTER = "lms.mail_adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "lms.forms.SignupForm"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env.str("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")
# Failed log-ins are limited per account; the per-address limits are high
# because a whole city hall or training room can share one NAT address (one
# attacker must not lock out every colleague, and a room signs in at once).
# django-axes locks the targeted account too.
# django-axes locks the targeted account (lms.signin: one policy for the site's
# form, both admin log-ins and the token API); allauth only limits addresses.
ACCOUNT_RATE_LIMITS = {"login": "300/m/ip", "login_failed": "60/m/ip"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "WeGO Learning"
# The code step counts against the same lock-out as the password.
MFA_FORMS = {"authenticate": "lms.forms.SecondFactorForm"}
# Staff, trainers and editors must set up an authenticator app before they can
# use the site or get an API token (docs/security.md). On in production.
REQUIRE_TWO_FACTOR = env.bool("REQUIRE_TWO_FACTOR", default=False)
WAGTAILADMIN_LOGIN_URL = "/accounts/login/"
WAGTAIL_PASSWORD_RESET_ENABLED = False

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = 0.25  # hours
# Lock the targeted account (per address too, so a whole office behind one
# NAT is not locked out by a single attacker aiming at one account).
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "lms.security.axes_username"
AXES_RESET_ON_SUCCESS = True
# django-axes counts REMOTE_ADDR (set from X-Real-IP only behind a trusted proxy), the
# address every limiter uses; tests/lms/test_lockout.py guards that a client-written
# X-Forwarded-For is never recorded. (lms.throttling.client_address would give "unknown"
# for requests without an address, which PostgreSQL's inet column refuses.)
AXES_LOCKOUT_TEMPLATE = "lms/locked_out.html"
# JSON {code, detail} under /api/, the page above elsewhere; both 429.
AXES_LOCKOUT_CALLABLE = "lms.signin.lockout_response"

# --- Internationalisation ---------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("ko", "한국어"),
    ("ru", "Русский"),
    ("es", "Español"),
    ("fr", "Français"),
]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = True
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
SERVE_PUBLIC_MEDIA = env.bool("SERVE_PUBLIC_MEDIA", default=True)
# Pre-compressing every file (gzip and brotli) is most of collectstatic's time;
# ``make run`` collects with STATIC_COMPRESS=false (served uncompressed, the
# same hashed names), production keeps it on.
STATIC_COMPRESS = env.bool("STATIC_COMPRESS", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_COMPRESS
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}
WHITENOISE_MAX_AGE = 3600
# ASGI request bodies are limited before they are buffered (CVE-2026-33034).
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- Wagtail ---------------------------------------------------------------------
WAGTAIL_SITE_NAME = "WeGO Learning"
# No third-party avatar service: the platform runs without outside network, and the
# admin's CSP allows images from this site only.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database"},
}
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = [
    "pdf",
    "docx",
    "xlsx",
    "pptx",
    "odt",
    "ods",
    "odp",
    "txt",
    "csv",
]
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "avif"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 5 * 1024 * 1024
WAGTAILAPI_BASE_URL = BASE_URL
WAGTAIL_ALLOW_UNICODE_SLUGS = False

# --- REST API ----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes bad credentials a 401.
        "lms.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # JSON with a bounded nesting depth (lms.parsers); forms as DRF's own.
    "DEFAULT_PARSER_CLASSES": [
        "lms.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "lms.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        # Both count in the one limiter (lms.throttling), by user or by address.
        "lms.throttling.AnonRateThrottle",
        "lms.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        # Per client address; generous: a room behind one address browses at once.
        "anon": env.str("API_THROTTLE_ANON", default="120/min"),
        "user": env.str("API_THROTTLE_USER", default="600/min"),
        # Failed sign-ins per address (POST /api/v1/auth/token/).
        "token": env.str("API_THROTTLE_SIGNIN_FAILURES", default="10/min"),
    },
}
# Certificate lookups (verify page, PDF, credential, API) per client address.
CERTIFICATE_LOOKUPS_PER_MINUTE = env.int("CERTIFICATE_LOOKUPS_PER_MINUTE", default=20)
SPECTACULAR_SETTINGS = {
    "TITLE": "WeGO Learning API",
    "DESCRIPTION": "Programmes, enrolment, webinars and certificates of WeGO Learning.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["lms.api.only_api_paths"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "lms.api.add_pages_api",
        "lms.api.add_throttled",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    "PATH_CONVERTER_OVERRIDES": {"id": int},
}

# --- E-mail ------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="WeGO Learning <learning@wego.example>"
)

# --- Security headers ------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions are read on every signed-in request: from the cache when it is shared
# between processes (Redis). A per-process cache would keep a signed-out session
# alive in the other processes, so without Redis they stay in the database.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF, "ws:", "wss:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# The Wagtail admin and the API docs use inline styles and scripts of their own.
CONTENT_SECURITY_POLICY_ADMIN = {
    "default-src": [SELF],
    "script-src": [SELF, "'unsafe-inline'", "'unsafe-eval'"],
    "style-src": [SELF, "'unsafe-inline'"],
    "img-src": [SELF, "data:", "blob:"],
    "font-src": [SELF, "data:"],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [SELF],
    "frame-ancestors": [SELF],
    "frame-src": [SELF],
}
CONTENT_SECURITY_POLICY_ADMIN_PREFIXES = ["/admin/", "/api/docs/", "/django-admin/"]

# --- Platform -------------------------------------------------------------------
CERTIFICATE_SIGNING_KEY = env.str("CERTIFICATE_SIGNING_KEY", default="")
DEV_SIGNING_KEY_PATH = Path(
    env.str("DEV_SIGNING_KEY_PATH", default=str(VAR_DIR / "dev-signing-key.pem"))
)

# /metrics: these addresses (the client's, after TRUSTED_PROXIES) or the bearer token.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# plain (default) or json: one JSON object per line, with the request id.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "lms.observability.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "lms.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "daphne": {"level": "WARNING"},
        # "AXES: BEGIN version …" on every manage.py command.
        "axes.apps": {"level": "WARNING"},
        "security": {"level": "INFO"},
    },
}
