"""Settings shared by every environment; everything that differs comes from the environment."""
from decimal import Decimal
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from films.country import CountryError, settings_for

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc served from our own static files: no CDN needed
    "axes",
    "films",
    "funding",
    "boxoffice",
    "public",
    "staff",
    "demo",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads a header, a cookie or a query parameter (films/limits.py has the bounds).
    "films.middleware.RequestBoundsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "films.middleware.PrivateCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CsrfViewMiddleware, which reads (and so would store) the body of an upload.
    "films.middleware.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A filter or sort a public page cannot read answers 400 with a message (public/strict_query.py).
    "public.strict_query.BadQueryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "films.middleware.CSPMiddleware",  # django-csp's, its policy text written once (films/middleware.py)
    # Last, so that lockouts see the authenticated request (django-axes docs).
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "public.context_processors.public",
                "films.context_processors.roles",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Imports hold a write lock for a whole batch; let other writers wait instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 30
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]  # fills in what Django's kk number formats lack
# Kazakhstan keeps one time zone (UTC+5) since 2024; days of sales are counted in it.
TIME_ZONE = env("TIME_ZONE", default="Asia/Almaty")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").exists() else []
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))

LOGIN_URL = "/accounts/login/"
# Staff land where their work is: the workspace, or an operator's sales batches (staff.film_views).
LOGIN_REDIRECT_URL = "after-sign-in"

# --- The tracker's own settings -------------------------------------------------------------
# The country this deployment serves (registers.md, The country): ISO 3166-1 alpha-2. It fixes the home
# currency (its legal tender, from CLDR via babel) and the regions (films/country.py).
try:
    _country = settings_for(env("TRACKER_COUNTRY", default="KZ"))
except CountryError as exc:
    raise ImproperlyConfigured(str(exc)) from None
TRACKER_COUNTRY = _country["TRACKER_COUNTRY"]
HOME_CURRENCY = _country["HOME_CURRENCY"]

# `load_demo` creates its documented sign-in accounts only where this is on (local and test settings).
DEMO_ACCOUNTS = env.bool("DEMO_ACCOUNTS", default=False)
# Share of gross that cinemas keep; metrics.md: default 0.55, overridable per film.
EXHIBITOR_SHARE = Decimal(env("EXHIBITOR_SHARE", default="0.55"))
# Largest sales file or API body accepted, in bytes. A bigger batch must be split.
SALES_MAX_UPLOAD_BYTES = env.int("SALES_MAX_UPLOAD_BYTES", default=512 * 1024 * 1024)
SALES_API_MAX_BODY_BYTES = env.int("SALES_API_MAX_BODY_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = SALES_API_MAX_BODY_BYTES
# Register files (films, cinemas, grants) on the staff upload page; any other page that takes a file.
REGISTER_MAX_UPLOAD_BYTES = env.int("REGISTER_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
DEFAULT_MAX_UPLOAD_BYTES = env.int("DEFAULT_MAX_UPLOAD_BYTES", default=2 * 1024 * 1024)
# Uploads are checked against those limits before they are stored (config.middleware.UploadLimitMiddleware);
# what passes is kept in memory up to this size, then in a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# "auto": PostgreSQL imports through COPY and set-based SQL, SQLite through the ORM; "python" forces the latter.
SALES_IMPORT_PATH = env("SALES_IMPORT_PATH", default="auto")
# On that COPY path, a plain CSV file at least this big is read in two processes (boxoffice/parts.py); 0 for
# every file (the tests), a size beyond the upload limit for never.
SALES_SPLIT_MIN_BYTES = env.int("SALES_SPLIT_MIN_BYTES", default=4 * 1024 * 1024)
# A batch still "processing" this long after it arrived, on a database without advisory locks, was interrupted.
SALES_STALE_AFTER_SECONDS = env.int("SALES_STALE_AFTER_SECONDS", default=6 * 3600)

# --- Public site and open data ---------------------------------------------------------------
# Public pages and API answers are cached this long at most; any change to public figures bumps the
# cache version sooner (public/caching.py). Browsers and proxies may keep them for PUBLIC_CACHE_MAX_AGE.
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=600)
PUBLIC_CACHE_MAX_AGE = env.int("PUBLIC_CACHE_MAX_AGE", default=60)
# The US-dollar equivalents shown beside home-currency amounts use one dated rate, never today's: a reader
# can check it. USD_RATE is home-currency units per US$, USD_RATE_DATE its date, USD_RATE_CURRENCY the currency
# it converts (the equivalents are shown only while that is the home currency). In Kazakhstan the default is
# about the National Bank's rate at the end of 2024 (USD_KZT_RATE and USD_KZT_RATE_DATE still work); elsewhere
# there is no default: without USD_RATE no dollar equivalent is shown.
_kz_rate = TRACKER_COUNTRY == "KZ"
USD_RATE = Decimal(env("USD_RATE", default=env("USD_KZT_RATE", default="525.11") if _kz_rate else "0")) or None
USD_RATE_DATE = env("USD_RATE_DATE", default=env("USD_KZT_RATE_DATE", default="2024-12-31") if _kz_rate else "")
USD_RATE_CURRENCY = env("USD_RATE_CURRENCY", default=HOME_CURRENCY)
USD_KZT_RATE, USD_KZT_RATE_DATE = USD_RATE, USD_RATE_DATE  # the names of a Kazakhstan-only release
OPEN_DATA_LICENCE = env("OPEN_DATA_LICENCE", default="Creative Commons Attribution 4.0 (CC BY 4.0)")
OPEN_DATA_LICENCE_URL = env("OPEN_DATA_LICENCE_URL", default="https://creativecommons.org/licenses/by/4.0/")

# --- Celery -----------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
# Longest a web request waits on an unreachable or hung Redis, per attempt, in seconds (cache and broker).
# Nothing is lost by giving up: a cache miss renders from the database, and every recompute is in the outbox
# (films/outbox.py), which the beat job drains.
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=0.5)
# Shared by web and worker processes (the upload page's progress bar reads what the worker writes).
# Redis when there is one; a Redis that goes away only makes pages slower (films/cache_backends.py).
CACHES = {"default": {"BACKEND": "films.cache_backends.ResilientRedisCache", "LOCATION": REDIS_URL,
                      "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT}}
          if REDIS_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Every cache key of a public answer carries the cache epoch held in the database (public/caching.py);
# each process reads it again after this many seconds.
PUBLIC_CACHE_EPOCH_SECONDS = env.float("PUBLIC_CACHE_EPOCH_SECONDS", default=2.0)
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://localhost/")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
# No task's return value is read. Storing none also keeps .delay() from subscribing to the result backend,
# which with Redis away retried for about 20 seconds before giving up.
CELERY_TASK_IGNORE_RESULT = True
# Without a broker the embedded default runs tasks in-process, right after the commit.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Fail fast when Redis is away so that a request is never held up by a dead or hung broker: one attempt,
# bounded by REDIS_TIMEOUT to connect and to answer. The outbox makes giving up safe (films/outbox.py).
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT,
                                   "retry_on_timeout": False, "max_retries": 0}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_TIMEOUT
CELERY_BEAT_SCHEDULE = {
    "drain-recompute-outbox": {
        "task": "funding.tasks.drain_recompute_outbox_task",
        "schedule": 60.0,
    },
    "requeue-pending-recomputes": {
        "task": "boxoffice.tasks.requeue_pending_recomputes_task",
        "schedule": 300.0,
    },
    "requeue-received-uploads": {
        "task": "boxoffice.tasks.requeue_received_uploads_task",
        "schedule": 300.0,
    },
    "mark-interrupted-sales-batches": {
        "task": "boxoffice.tasks.mark_interrupted_batches_task",
        "schedule": 300.0,
    },
    "nightly-summary-check": {
        "task": "boxoffice.tasks.verify_daily_summaries_task",
        "schedule": crontab(hour=2, minute=30),
    },
    # After the summary check, so that figures it repaired are recomputed first (it writes to the outbox).
    "nightly-metrics-check": {
        "task": "funding.tasks.verify_film_metrics_task",
        "schedule": crontab(hour=3, minute=15),
    },
}

# --- DRF --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # django-filter's backend, also refusing parameters no filter reads (public/strict_query.py).
    "DEFAULT_FILTER_BACKENDS": ["public.strict_query.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # API_ANON_RATE="" turns anonymous throttling off (the load benchmark: every request from one address).
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_ANON_RATE", default="600/minute") or None,
        "user": "3000/minute",
        "sales": "120/minute",
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Film funding accountability tracker API",
    "DESCRIPTION": "State-funded film projects, grants (360Giving), release status, box office and return "
    "on funding. Figures follow shared/spec/metrics.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "public.api_base.document_public_errors"],
    "ENUM_NAME_OVERRIDES": {"FilmKindEnum": "films.choices.FilmKind", "FilmStatusEnum": "films.choices.FilmStatus"},
}

# --- django-axes: lock an account+address after repeated failed sign-ins ----------------------
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# --- Content-Security-Policy (django-csp): only this site's own files; no inline script or style -------
# Templates keep scripts in static/js and widths in CSS classes. The one exception is the two API
# documentation pages (third-party bootstraps with inline script and style; config/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Staff sessions: short-lived, not readable by scripts, sent only to this site -------------
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
