"""Hotline settings: everything comes from the environment, through hotline.env.

Embedded defaults (no variables set): SQLite under var/, Celery tasks run in-process, the
sandbox courier, e-mail and SMS written to var/log/outbox.log.
"""

import re
from pathlib import Path

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from hotline.env import Env

env = Env()
BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("HOTLINE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", True)
SECRET_KEY = env.secret_key("SECRET_KEY", debug=DEBUG, keep_in=VAR_DIR / "secret_key")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])
# The port `make run` serves on; links sent to customers follow it unless SITE_URL is set.
PORT = env.int("PORT", 8000, min_value=1, max_value=65535)
SITE_URL = env.url("SITE_URL", f"http://127.0.0.1:{PORT}",
                   schemes=("http", "https")).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rest_framework_api_key",
    "django_filters",
    "django_htmx",
    "template_partials",
    "phonenumber_field",
    "django_celery_beat",
    "axes",
    # Ours. Imports point one way: exchanges -> diagnostics -> hotline, exchanges -> carriers,
    # calls -> hotline, repairs -> exchanges (and everything below it).
    "hotline",
    "diagnostics",
    "carriers",
    "exchanges",
    "calls",
    "repairs",
    "partners",
    "quality",
    "payments",
    "selfservice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Customers' links that do not work get the styled 404, even under DEBUG (error_pages).
    "hotline.error_pages.PublicErrorPagesMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hotline.urls"
WSGI_APPLICATION = "hotline.wsgi.application"
ASGI_APPLICATION = "hotline.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hotline.navigation.context_processor",
            ],
        },
    },
]

DATABASES = {
    "default": env.database(
        "DATABASE_URL", f"sqlite:///{VAR_DIR / 'hotline.sqlite3'}",
        # Persistent connections: opening a PostgreSQL connection costs more than most requests.
        conn_max_age=env.int("DATABASE_CONN_MAX_AGE", 600, min_value=0),
        health_checks=env.bool("DATABASE_CONN_HEALTH_CHECKS", True)),
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Statements a view runs through a server-binding cursor (the status API's look-up,
    # partners.snapshot) are prepared once per connection; Django's own cursors bind on the
    # client and never are. Off behind a transaction-pooling PgBouncer older than 1.21.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        5 if env.bool("DATABASE_PREPARED_STATEMENTS", True) else None)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded mode serves a small team: several operators write at once. WAL lets readers
    # go on while one writes; a write transaction takes the lock when it begins (IMMEDIATE),
    # so two requests never both read and then both fail to upgrade ("database is locked");
    # a waiting writer waits up to `timeout` seconds (SQLite's busy timeout) for its turn.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = env.url("CACHE_URL", None, schemes=("redis", "rediss"))
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Password guessing: django-axes counts failed logins per account and per address and locks
# either out after LOGIN_FAILURE_LIMIT failures for LOGIN_LOCKOUT_MINUTES (a supervisor can
# unlock sooner from the console's Lockouts page).
# Capabilities (permissions) are read in one query per request (hotline.roles grants them).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "hotline.backends.CapabilityBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", 5, min_value=1, max_value=100)
AXES_COOLOFF_TIME = env.int("LOGIN_LOCKOUT_MINUTES", 15, min_value=1, max_value=24 * 60) / 60
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "token"]
# Failed API tokens (and CTI tokens) per address: after API_AUTH_FAILURE_LIMIT in 10 minutes
# the address gets 429 for the rest of the window, whatever it sends.
API_AUTH_FAILURE_LIMIT = env.int("API_AUTH_FAILURE_LIMIT", 20, min_value=1, max_value=10_000)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "landing"  # each role lands on its first page
# Customers' pages, reached from links in our messages: their error pages carry no console
# menu and lead back to the case look-up (hotline.error_pages).
HOTLINE_PUBLIC_PATHS = ("/track/", "/exchanges/quotes/", "/payments/sandbox/",
                        "/payments/receipts/")
HOTLINE_PUBLIC_HOME = "selfservice:lookup"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "hotline" / "locale"]
# English dates written day first on a 24-hour clock (hotline/formats/en), as in French.
FORMAT_MODULE_PATH = ["hotline.formats"]
TIME_ZONE = env.timezone("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

# The country whose numbering plan applies to a phone number typed without a country code.
PHONENUMBER_DEFAULT_REGION = env.str("PHONE_DEFAULT_REGION", "FR").upper()
PHONENUMBER_DB_FORMAT = "E164"
HOTLINE_COUNTRY = PHONENUMBER_DEFAULT_REGION

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# By default e-mails and SMS are not sent but appended to one file (hotline.message_log).
OUTBOX_LOG_FILE = Path(env.str("OUTBOX_LOG_FILE", str(VAR_DIR / "log" / "outbox.log")))
# The beat process runs the outbox's listening relay (hotline.celery): courier tracking
# batches' messages are sent as soon as their transaction commits.
HOTLINE_OUTBOX_LISTEN = env.bool("OUTBOX_LISTEN", True)
# Sent outbox messages are deleted after this many days (hourly, by the beat): a message's
# key keeps the same side effect from being sent twice only while it is kept.
HOTLINE_OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", 30, min_value=1)
EMAIL_BACKEND = env.str("EMAIL_BACKEND", "hotline.message_log.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25, min_value=1, max_value=65535)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "Hotline <hotline@localhost>")
SMS_BACKEND = env.str("SMS_BACKEND", "hotline.message_log.SmsBackend")

# Celery: without a broker, tasks run in-process right after the transaction commits.
CELERY_BROKER_URL = env.url("CELERY_BROKER_URL", None, schemes=("redis", "rediss", "amqp", "memory"))
CELERY_RESULT_BACKEND = env.url(
    "CELERY_RESULT_BACKEND", CELERY_BROKER_URL if CELERY_BROKER_URL else None,
    schemes=("redis", "rediss", "rpc", "cache", "db+postgresql"),
)
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
if CELERY_TASK_ALWAYS_EAGER:
    # Celery still takes a producer from its pool to serialise an eager task's arguments:
    # with no broker URL that is an AMQP connection to nowhere ("No hostname was supplied"
    # warning). The in-memory transport (named with a host, or kombu warns the same) serves
    # that and never leaves the process.
    CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Tasks that retry (courier bookings, notifications, subscribers) wait base x 2^retries
# seconds, at most the cap (hotline.retries).
CELERY_RETRY_BASE_SECONDS = env.int("CELERY_RETRY_BASE_SECONDS", 30, min_value=0,
                                    max_value=3600)
CELERY_RETRY_MAX_SECONDS = env.int("CELERY_RETRY_MAX_SECONDS", 600, min_value=0,
                                   max_value=86400)
if CELERY_RETRY_MAX_SECONDS < CELERY_RETRY_BASE_SECONDS:
    raise env.error("CELERY_RETRY_MAX_SECONDS", "must be at least CELERY_RETRY_BASE_SECONDS "
                    f"({CELERY_RETRY_BASE_SECONDS}), got {CELERY_RETRY_MAX_SECONDS}")
# With Redis, a message a worker took and never acknowledged (acks_late: the worker died in
# the middle of the task) goes back to the queue after this many seconds. It must be longer
# than the longest task and than any retry countdown (a retry waiting in a worker is an
# unacknowledged message too), or a task still running would be delivered twice.
CELERY_VISIBILITY_TIMEOUT_SECONDS = env.int("CELERY_VISIBILITY_TIMEOUT_SECONDS", 3600,
                                            min_value=1, max_value=7 * 86400)
if CELERY_VISIBILITY_TIMEOUT_SECONDS <= CELERY_RETRY_MAX_SECONDS:
    raise env.error("CELERY_VISIBILITY_TIMEOUT_SECONDS", "must be longer than "
                    f"CELERY_RETRY_MAX_SECONDS ({CELERY_RETRY_MAX_SECONDS}), got "
                    f"{CELERY_VISIBILITY_TIMEOUT_SECONDS}")
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT_SECONDS}
CELERY_BEAT_SCHEDULE = {
    "outbox-relay": {"task": "hotline.tasks.outbox_relay", "schedule": 30.0},
    "outbox-purge": {"task": "hotline.tasks.outbox_purge", "schedule": 3600.0},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "hotline.security.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Rates per client, counted in the cache (Redis in production).
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_RATE_ANON", "120/min"),
        "user": env.str("API_RATE_USER", "1200/min"),
        "cti": env.str("API_RATE_CTI", "6000/min"),
    },
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON bodies nested deeper than hotline.jsonsafe.MAX_DEPTH are refused (400).
    "DEFAULT_PARSER_CLASSES": [
        "hotline.jsonsafe.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_METADATA_CLASS": "hotline.api.metadata.Metadata",
    "DEFAULT_SCHEMA_CLASS": "hotline.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "hotline.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hotline API",
    "DESCRIPTION": "Cases, handsets and repair status for distributors and partners.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

# Production hardening: on whenever DEBUG is off, each switch overridable.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, min_value=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", False)
# Joining the browsers' HSTS preload list is a commitment for the domain's owner to make
# (SECURE_HSTS_PRELOAD=true), not a default: don't warn about it.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite cannot enforce quality.Alert's "one live alert per series" with a null batch
    # (nulls_distinct=False); the scan looks the live alert up and creates it in one write
    # transaction, which SQLite runs one at a time (IMMEDIATE, above), so it holds there too.
    SILENCED_SYSTEM_CHECKS.append("models.W047")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOG_LEVEL = env.choice("LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR"])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"kv": {"()": "hotline.logging.KeyValueFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "kv"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"},
                # In-process tasks: "Task ... succeeded" for every e-mail is noise, not news.
                **({"celery.app.trace": {"level": "WARNING"}} if CELERY_TASK_ALWAYS_EAGER
                   else {})},
}

# One section per app below: each app reads only its own (and Django's) settings.

# --- hotline ---
# Case numbers (HL-2026-000001) and the follow-up window after which a settled case closes.
HOTLINE_CASE_PREFIX = env.str("CASE_PREFIX", "HL")
HOTLINE_CASE_FOLLOW_UP_DAYS = env.int("CASE_FOLLOW_UP_DAYS", 7, min_value=0)
CELERY_BEAT_SCHEDULE |= {
    # The key predates the job's move to hotline: kept so that an existing beat database
    # updates this entry rather than keeping a stale one beside a new one.
    "exchanges-close-settled-cases": {"task": "hotline.tasks.cases_close", "schedule": 3600.0},
}

# --- diagnostics ---
# One name in the API schema for the outcome choices (advice, swap, visit, referral).
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})["ActionEnum"] = (
    "diagnostics.models.Action.choices")

# --- carriers ---
# Courier adapters by dotted path; MyDHL (DHL Express) joins the sandbox once its key is set.
_MYDHL_CONFIGURED = bool(env.str("MYDHL_API_KEY"))
HOTLINE_CARRIERS = env.list(
    "CARRIERS", ["carriers.sandbox.SandboxCarrier"]
    + (["carriers.mydhl.MyDhlCarrier"] if _MYDHL_CONFIGURED else []))
HOTLINE_CARRIER_OPTIONS = {
    "sandbox": {
        "webhook_secret": env.str("SANDBOX_WEBHOOK_SECRET", ""),
        "seed": env.str("SANDBOX_SEED", "hotline"),
        "mix": env.str("SANDBOX_MIX", ""),
    },
    "mydhl": {
        "base_url": env.url("MYDHL_BASE_URL", "https://express.api.dhl.com/mydhlapi/test",
                            schemes=("http", "https")),
        "api_key": env.str("MYDHL_API_KEY", ""),
        "api_secret": env.str("MYDHL_API_SECRET", ""),
        "account": env.str("MYDHL_ACCOUNT", ""),
        "webhook_secret": env.str("MYDHL_WEBHOOK_SECRET", ""),
        "timeout": env.int("MYDHL_TIMEOUT_SECONDS", 15, min_value=1, max_value=120),
        "retries": env.int("MYDHL_RETRIES", 3, min_value=0, max_value=10),
        "lithium_service_code": env.str("MYDHL_LITHIUM_SERVICE_CODE", "HV"),
        "label_format": env.choice("MYDHL_LABEL_FORMAT", "pdf", ["pdf", "zpl"]),
        "outbound_pickup": env.bool("MYDHL_OUTBOUND_PICKUP", False),
    },
}
# Where replacements leave from and faulty units go back to.
HOTLINE_WAREHOUSE = {
    "company": env.str("WAREHOUSE_COMPANY", "Hotline Logistics"),
    "name": env.str("WAREHOUSE_CONTACT", "Returns desk"),
    "street": env.str("WAREHOUSE_STREET", "14 rue des Entrepôts"),
    "postcode": env.str("WAREHOUSE_POSTCODE", "93200"),
    "city": env.str("WAREHOUSE_CITY", "Saint-Denis"),
    "country": env.str("WAREHOUSE_COUNTRY", "FR").upper(),
    "phone": env.str("WAREHOUSE_PHONE", "+33148000000"),
    "email": env.str("WAREHOUSE_EMAIL", "logistics@hotline.example"),
}
HOTLINE_CARRIER_WEBHOOK_TOLERANCE = env.int("CARRIER_WEBHOOK_TOLERANCE_SECONDS", 300,
                                            min_value=30, max_value=3600)
HOTLINE_CARRIER_POLL_AFTER_MINUTES = env.int("CARRIER_POLL_AFTER_MINUTES", 120, min_value=5)
# A booking still pending after this long is taken as crashed and may be tried again: longer
# than the longest courier call (timeout x retries, both directions).
HOTLINE_CARRIER_BOOKING_PENDING_SECONDS = env.int("CARRIER_BOOKING_PENDING_SECONDS", 600,
                                                  min_value=1, max_value=86400)
HOTLINE_CARRIER_POLL_MAX_AGE_DAYS = env.int("CARRIER_POLL_MAX_AGE_DAYS", 30, min_value=1)
HOTLINE_CARRIER_SUBSCRIBERS = env.list("CARRIER_SUBSCRIBERS", [])
CELERY_BEAT_SCHEDULE["carriers-poll-stale"] = {
    "task": "carriers.tasks.poll_stale", "schedule": 300.0}
CELERY_BEAT_SCHEDULE["carriers-sandbox-advance"] = {
    "task": "carriers.tasks.sandbox_advance", "schedule": 60.0}

# --- payments ---
# Payment providers by dotted path (docs/payments.md); customers pay through the default one.
# Stripe joins the sandbox once its secret key is set.
_STRIPE_CONFIGURED = bool(env.str("STRIPE_API_KEY"))
PAYMENTS_PROVIDERS = env.list(
    "PAYMENTS_PROVIDERS", ["payments.sandbox.SandboxPayments"]
    + (["payments.stripe.StripePayments"] if _STRIPE_CONFIGURED else []))
PAYMENTS_DEFAULT_PROVIDER = env.str("PAYMENTS_DEFAULT_PROVIDER",
                                    "stripe" if _STRIPE_CONFIGURED else "sandbox")
PAYMENTS_PROVIDER_OPTIONS = {
    "sandbox": {"webhook_secret": env.str("PAYMENTS_SANDBOX_WEBHOOK_SECRET", "")},
    "stripe": {
        "api_key": env.str("STRIPE_API_KEY", ""),
        "webhook_secret": env.str("STRIPE_WEBHOOK_SECRET", ""),
        "base_url": env.url("STRIPE_BASE_URL", "https://api.stripe.com", schemes=("http", "https")),
        "timeout": env.int("STRIPE_TIMEOUT_SECONDS", 15, min_value=1, max_value=120),
        "retries": env.int("STRIPE_RETRIES", 2, min_value=0, max_value=10),
    },
}
PAYMENTS_WEBHOOK_TOLERANCE = env.int("PAYMENTS_WEBHOOK_TOLERANCE_SECONDS", 300,
                                     min_value=30, max_value=3600)
# A payment page left unfinished this long is marked abandoned (the customer may start again).
PAYMENTS_ABANDON_AFTER_HOURS = env.int("PAYMENTS_ABANDON_AFTER_HOURS", 24, min_value=1)
CELERY_BEAT_SCHEDULE |= {
    "payments-abandon-stale": {"task": "payments.tasks.payments_abandon_stale", "schedule": 1800.0},
    "payments-refunds-retry": {"task": "payments.tasks.refunds_retry", "schedule": 600.0},
}
# The seller named on quotes and receipts.
HOTLINE_SELLER = {
    "name": env.str("SELLER_NAME", "Nordline Services SAS"),
    "address": env.str("SELLER_ADDRESS", "14 rue des Entrepôts, 93200 Saint-Denis, France"),
    "vat_number": env.str("SELLER_VAT_NUMBER", "FR00123456789"),
}

# --- selfservice ---
# The customer's tracking page (docs/customers.md): link lifetime, look-up limits, answer promise.
SELFSERVICE_LINK_DAYS = env.int("SELFSERVICE_LINK_DAYS", 365, min_value=1)
SELFSERVICE_LOOKUP_LIMIT = env.int("SELFSERVICE_LOOKUP_LIMIT", 10, min_value=1)
SELFSERVICE_LOOKUP_WINDOW = env.int("SELFSERVICE_LOOKUP_WINDOW_SECONDS", 900, min_value=60)
SELFSERVICE_RESPONSE_WORKING_DAYS = env.int("SELFSERVICE_RESPONSE_WORKING_DAYS", 1, min_value=1)

# --- repairs ---
CELERY_BEAT_SCHEDULE["repairs-daily"] = {
    "task": "repairs.tasks.repairs_daily", "schedule": 3600.0 * 6}

# --- calls ---
# Shared secrets the telephony platform sends with CTI events (Authorization: Bearer <token>);
# several so that a token can be rotated without downtime. Unset: the CTI events API refuses
# every request.
CALLS_CTI_TOKENS = env.list("CTI_TOKENS", [])
# Service-level threshold and short-abandon threshold (seconds) of the wallboard and reports.
CALLS_SL_THRESHOLD = env.int("CALLS_SL_THRESHOLD", 20, min_value=1)
CALLS_SHORT_ABANDON = env.int("CALLS_SHORT_ABANDON", 5, min_value=0)
# The service-level target (percent of calls answered within the threshold): the wallboard's
# colour, the report's target line and the planner's default.
CALLS_SL_TARGET = env.int("CALLS_SL_TARGET", 80, min_value=1, max_value=99)
# A call still waiting (or still connected) this many hours later lost its exit event: the
# calls.tasks.calls_close_stale beat task closes it as lost, so the wallboard stays true.
CALLS_STALE_WAITING_HOURS = env.int("CALLS_STALE_WAITING_HOURS", 2, min_value=1)
CALLS_STALE_CONNECTED_HOURS = env.int("CALLS_STALE_CONNECTED_HOURS", 12, min_value=1)
CELERY_BEAT_SCHEDULE["calls-close-stale"] = {
    "task": "calls.tasks.calls_close_stale", "schedule": 600.0,
}
# The SLA report's roll-up (PostgreSQL, calls.rollup) follows the changed calls every minute.
CELERY_BEAT_SCHEDULE["calls-rollup-refresh"] = {
    "task": "calls.tasks.calls_rollup_refresh", "schedule": 60.0,
}

# --- exchanges ---
# Quotes and prices.
EXCHANGES_QUOTE_VALID_DAYS = env.int("QUOTE_VALID_DAYS", 14, min_value=1)
EXCHANGES_TAX_RATE = str(env.decimal("EXCHANGES_TAX_RATE", "0.20"))
EXCHANGES_DELIVERY_FEE = str(env.decimal("EXCHANGES_DELIVERY_FEE", "9.90"))
CELERY_BEAT_SCHEDULE |= {
    "exchanges-expire-quotes": {"task": "exchanges.tasks.quotes_expire", "schedule": 900.0},
}
# Technician visits.
EXCHANGES_VISIT_SLOT_MINUTES = env.int("VISIT_SLOT_MINUTES", 120, min_value=15)
EXCHANGES_VISIT_TRAVEL_MINUTES = env.int("VISIT_TRAVEL_MINUTES", 30, min_value=0)
EXCHANGES_VISIT_PROMISE_HOURS = env.int("VISIT_PROMISE_HOURS", 24, min_value=1)
# A visit completed sooner than this after the arrival is refused (0: no minimum).
EXCHANGES_VISIT_MIN_MINUTES_ON_SITE = env.int("VISIT_MIN_MINUTES_ON_SITE", 5, min_value=0)

# Home swaps (exchanges/swaps/): stock, promise, exceptions, reminders (docs/swaps.md).
# Days a backordered model is expected back in stock (the honest date told to the customer).
SWAP_BACKORDER_DAYS = env.int("SWAP_BACKORDER_DAYS", 5, min_value=1)
# How long a courier holds a parcel at its depot, and when the customer is reminded before.
SWAP_DEPOT_HOLD_DAYS = env.int("SWAP_DEPOT_HOLD_DAYS", 7, min_value=1)
SWAP_HOLD_REMINDER_HOURS = env.int("SWAP_HOLD_REMINDER_HOURS", 48, min_value=1)
# Faulty unit not handed over: marked not returned after SWAP_RETURN_GRACE_DAYS, reminded on
# each of SWAP_REMINDER_DAYS (days after delivery), charged after SWAP_CHARGE_AFTER_DAYS.
SWAP_RETURN_GRACE_DAYS = env.int("SWAP_RETURN_GRACE_DAYS", 3, min_value=1)
SWAP_REMINDER_DAYS = env.int_list("SWAP_REMINDER_DAYS", [3, 7, 10], min_value=1)
SWAP_CHARGE_AFTER_DAYS = env.int("SWAP_CHARGE_AFTER_DAYS", 14, min_value=1)
# The unreturned device charge stated in the swap's written confirmation (tax included).
SWAP_UNRETURNED_CHARGE = str(env.decimal("SWAP_UNRETURNED_CHARGE", "199.00"))
# Customer tracking link ({carrier} and {tracking_number} are replaced); unset: the carrier's
# own public tracking page.
SWAP_TRACKING_URL = env.str("SWAP_TRACKING_URL", "")
CELERY_BEAT_SCHEDULE |= {
    "swaps-reminders": {"task": "exchanges.tasks.swaps_remind", "schedule": 3600.0},
    "swaps-restock": {"task": "exchanges.tasks.swaps_restock", "schedule": 900.0},
}

# --- quality ---
# Early warning (docs/quality.md): a Poisson CUSUM per series against a trailing baseline.
QUALITY_EW_BASELINE_WEEKS = env.int("QUALITY_EW_BASELINE_WEEKS", 52, min_value=8)
QUALITY_EW_WINDOW_WEEKS = env.int("QUALITY_EW_WINDOW_WEEKS", 8, min_value=2)
QUALITY_EW_SHIFT = float(env.decimal("QUALITY_EW_SHIFT", "3"))
if QUALITY_EW_SHIFT <= 1:
    raise env.error("QUALITY_EW_SHIFT", "the rate ratio to detect must be above 1")
QUALITY_EW_THRESHOLD = float(env.decimal("QUALITY_EW_THRESHOLD", "8"))
QUALITY_EW_MIN_COUNT = env.int("QUALITY_EW_MIN_COUNT", 5, min_value=1)
# Who hears of a new alert and gets the Monday report: the qa group's users with an e-mail,
# plus these addresses; and an optional webhook (JSON POST) for each new alert.
QUALITY_REPORT_EMAILS = env.list("QUALITY_REPORT_EMAILS", [])
QUALITY_ALERT_WEBHOOK_URL = env.url("QUALITY_ALERT_WEBHOOK_URL", None, schemes=("http", "https"))
HOTLINE_AUDIT_SUBSCRIBERS = env.list("AUDIT_SUBSCRIBERS", [])
CELERY_BEAT_SCHEDULE |= {
    "quality-weekly-scan": {"task": "quality.tasks.weekly_scan",
                            "schedule": crontab(minute=30, hour=6, day_of_week="mon")},
    "quality-weekly-report": {"task": "quality.tasks.weekly_report",
                              "schedule": crontab(minute=0, hour=7, day_of_week="mon")},
}

# --- partners ---
# Distributors' API keys, webhooks and idempotent POSTs (docs/partners.md).
# Requests per API key, as DRF writes rates: "<n>/second|minute|hour|day".
PARTNERS_API_RATE = env.str("PARTNERS_API_RATE", "600/minute")
if not re.fullmatch(r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)", PARTNERS_API_RATE):
    raise env.error("PARTNERS_API_RATE", "write it like 600/minute (second, minute, hour, day)")
# API keys (with their distributor and user) kept in the cache that long (partners.keycache);
# on by default only with a shared cache, which tells every process of a revocation.
PARTNERS_API_KEY_CACHE_SECONDS = env.int("PARTNERS_API_KEY_CACHE_SECONDS",
                                         300 if CACHE_URL else 0, min_value=0)
# Webhook signing secrets are stored encrypted (hotline.encryption): Fernet keys, the first
# encrypts; without any, a key derived from SECRET_KEY.
WEBHOOK_SECRET_KEYS = env.list("WEBHOOK_SECRET_KEY", [])
for _key in WEBHOOK_SECRET_KEYS:
    if not re.fullmatch(r"[A-Za-z0-9_-]{43}=", _key):
        raise env.error("WEBHOOK_SECRET_KEY", "expected Fernet keys (44 characters of url-safe "
                        "base64, e.g. from Fernet.generate_key()), comma-separated")
PARTNERS_IDEMPOTENCY_HOURS = env.int("PARTNERS_IDEMPOTENCY_HOURS", 48, min_value=24)
PARTNERS_WEBHOOK_TIMEOUT = env.int("PARTNERS_WEBHOOK_TIMEOUT_SECONDS", 10, min_value=1,
                                   max_value=30)
PARTNERS_WEBHOOK_RETRY_BASE_SECONDS = env.int("PARTNERS_WEBHOOK_RETRY_BASE_SECONDS", 60,
                                              min_value=1)
PARTNERS_WEBHOOK_RETRY_DAYS = env.int("PARTNERS_WEBHOOK_RETRY_DAYS", 3, min_value=1)
PARTNERS_WEBHOOK_DISABLE_AFTER = env.int("PARTNERS_WEBHOOK_DISABLE_AFTER", 20, min_value=1)
# Receivers on private or loopback addresses (and plain http) only for local tests.
PARTNERS_WEBHOOK_ALLOW_PRIVATE = env.bool("PARTNERS_WEBHOOK_ALLOW_PRIVATE", DEBUG)
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"].insert(
    0, "partners.auth.DistributorKeyAuthentication")
# Keys get their own rate; users (tokens, sessions) and anonymous clients keep DRF's.
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = ["rest_framework.throttling.AnonRateThrottle",
                                              "partners.auth.UserExceptKeyRateThrottle",
                                              "partners.auth.KeyRateThrottle"]
CELERY_BEAT_SCHEDULE |= {
    "partners-webhooks-retry": {"task": "partners.tasks.webhooks_retry_due", "schedule": 60.0},
    "partners-idempotency-purge": {"task": "partners.tasks.idempotency_purge",
                                   "schedule": 3600.0},
    "partners-public-cases-fill": {"task": "partners.tasks.public_cases_fill",
                                   "schedule": 600.0},
}
# A case with no public view (made before partners, or by a path that wrote no audit event)
# gets one from the beat once nothing has changed it for this long: a case just changed is
# left to its own refresh, which tells the distributors of the change.
PARTNERS_PUBLIC_FILL_AFTER_MINUTES = env.int("PARTNERS_PUBLIC_FILL_AFTER_MINUTES", 60,
                                             min_value=1)
# The API docs load Redoc and Swagger UI from our own static files (no CDN).
SPECTACULAR_SETTINGS |= {"REDOC_DIST": "SIDECAR", "SWAGGER_UI_DIST": "SIDECAR",
                         "SWAGGER_UI_FAVICON_HREF": "SIDECAR"}
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})["PublicStatusEnum"] = (
    "partners.status.PublicStatus.choices")
