"""Settings for the round table portal.

Everything that differs between machines comes from the environment (see README).
The defaults are safe for production: DEBUG is off unless DEBUG=true is set, which
`make run` does for local development.
"""

import sys
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
env.smart_cast = False

TESTING = "pytest" in sys.modules
DEBUG = env.bool("DEBUG", default=False)
# Served processes (gunicorn, celery) refuse to start without a real key; management
# commands and tests may use the development key (check --deploy warns about it).
_LOCAL_TOOL = DEBUG or TESTING or Path(sys.argv[0]).name == "manage.py"
SECRET_KEY = env.str(
    "SECRET_KEY",
    default="insecure-development-key-only-for-local-use" if _LOCAL_TOOL else environ.Env.NOTSET,
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "import_export",
    # Project apps, lowest layer first; each may import only the ones above it
    # (docs/architecture.md).
    "common",
    "notifications",
    "members",
    "practices",
    "meetings",
    "oparl",
    "demo",
    "roundtable",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "common.middleware.PrivateResponsesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "members.middleware.UserLanguageMiddleware",
    "members.middleware.StaffMfaRequiredMiddleware",
]

ROOT_URLCONF = "roundtable.urls"
# Every form and field is drawn by templates/forms/ (common.forms).
FORM_RENDERER = "common.forms.PortalFormRenderer"
WSGI_APPLICATION = "roundtable.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "roundtable.context_processors.portal",
            ],
        },
    },
]

# Database: PostgreSQL in production and CI; SQLite under var/ for a quick local start.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves web requests and the worker at once: write-ahead logging
    # lets readers go on while one writes, IMMEDIATE takes the write lock when a transaction
    # starts (instead of failing on upgrade), and writers wait up to 20 s for each other
    # instead of raising "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if IS_POSTGRES:
    # PostgreSQL compiles a query to machine code once its estimated cost passes a bound; for
    # the library's filter counts over 100,000 examples the compilation alone took 0.9 s of
    # 2.3 s, every time, as the plan is not kept. The portal's queries are short, so JIT
    # never pays here. Sent with the connection's start-up, it costs no round trip;
    # PG_OPTIONS replaces it (e.g. an empty value behind a pooler that rejects options).
    _pg_options = env.str("PG_OPTIONS", default="-c jit=off")
    if _pg_options:
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", _pg_options)

AUTH_USER_MODEL = "members.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# Accounts: e-mail log-in, mandatory verification, no open sign-up (see members.adapters).
ACCOUNT_ADAPTER = "members.adapters.InvitationOnlyAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Runder Tisch] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
# Failed log-ins (passwords and TOTP codes) count per account first: once an account is
# locked, further guesses at it stop there and don't use up the client address's allowance,
# so colleagues behind the same address still log in. The address limit catches one client
# trying many accounts. Behind a proxy, the client address comes from the header it sets
# (TRUSTED_CLIENT_IP_HEADER, or TRUSTED_PROXY_COUNT hops of X-Forwarded-For; README).
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default="") or None
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/key,30/5m/ip",
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Runder Tisch Südwestfalen"

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
# Sessions live in the database only: with a cache in front (cached_db), a log-out while Redis
# was unreachable would leave the old session in the cache to come back with it.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# Language and time: German first, English available; Europe/Berlin.
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
# The first path wins: its catalog gives django-allauth's German the formal "Sie".
# makemessages still writes the project's strings to locale/ (the nearest locale folder).
LOCALE_PATHS = [BASE_DIR / "roundtable" / "locale_overrides", BASE_DIR / "locale"]
# English dates in British/ISO style instead of Django's US ones (roundtable/formats/en).
FORMAT_MODULE_PATH = ["roundtable.formats"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# Static and uploaded files. Uploads go through STORAGES so that several hosts can
# share them (local disk by default, S3-compatible object storage in production).
STATIC_URL = "/static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not (DEBUG or TESTING))

_default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if env.str("AWS_STORAGE_BUCKET_NAME", default=""):
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "access_key": env.str("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default=None),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)

# The read-only OParl 1.1 interface under /oparl/v1.1/ (oparl/); off answers 404 everywhere.
OPARL_ENABLED = env.bool("OPARL_ENABLED", default=True)
# The licence of the public record, announced in the OParl System and Body.
OPARL_LICENSE = env.str("OPARL_LICENSE", default="https://creativecommons.org/licenses/by/4.0/")

# Redis: Celery's broker and Django's shared cache. Without REDIS_URL, Celery uses a
# broker on the local file system and the cache lives in files under var/.
REDIS_URL = env.str("REDIS_URL", default="")
BROKER_TIMEOUT_SECONDS = env.float("BROKER_TIMEOUT_SECONDS", default=0.3)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "common.cache.RedisCache",
            # A separate database (CACHE_URL) keeps cache flushes away from the broker's queues.
            "LOCATION": env.str("CACHE_URL", default=REDIS_URL),
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="roundtable"),
            # Redis is optional on the request path (common.cache): a hung server costs a
            # request at most this timeout, then it is skipped for a few seconds.
            "OPTIONS": {
                "socket_connect_timeout": env.float("CACHE_TIMEOUT_SECONDS", default=0.25),
                "socket_timeout": env.float("CACHE_TIMEOUT_SECONDS", default=0.25),
                "outage_seconds": env.float("CACHE_OUTAGE_SECONDS", default=5.0),
            },
        }
    }
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
    # Publishing happens on the request path (after a commit): a stopped or hung broker must
    # fail fast. A PING with BROKER_TIMEOUT_SECONDS comes first (notifications.services), the
    # row stays queued and the outbox sweep publishes it later. The socket timeouts below
    # only bound a connection that dies after that PING; they stay well above a busy
    # server's answer time, as the worker shares them.
    CELERY_BROKER_CONNECTION_TIMEOUT = 2
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
if not REDIS_URL:
    _broker_dir = VAR_DIR / "celery-broker"
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_broker_dir / "processed"),
        # Exchange tables; kombu's default is a "control" folder in the working directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }

# Parts without which /readyz answers 503 (of database, cache, broker). Pages and writes
# work without the cache and the broker, so only the database is required by default.
READINESS_REQUIRED = env.list("READINESS_REQUIRED", default=["database"])

CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Beat's schedule lives here (django-celery-beat does not support this Django version).
CELERY_BEAT_SCHEDULE = {
    # Outgoing mail whose task was lost (Redis outage, dead worker) is sent after all.
    "notifications-requeue-stuck": {
        "task": "notifications.messages_requeue_stuck",
        "schedule": 120.0,
    },
    # Bodies of mail sent before NOTIFICATIONS_BODY_RETENTION_DAYS are blanked.
    "notifications-purge-bodies": {
        "task": "notifications.messages_purge_bodies",
        "schedule": 24 * 60 * 60.0,
    },
    # Meeting reminders and response nudges: each goes once, so running often only makes
    # them punctual (at most this late after the reminder time).
    "meetings-reminders": {
        "task": "meetings.meeting_reminders_send",
        "schedule": 15 * 60.0,
    },
    "meetings-action-item-reminders": {
        "task": "meetings.action_item_reminders_send",
        "schedule": 60 * 60.0,
    },
    # Saved searches: new examples once a week, Monday 7:00 (each digest once per ISO week).
    "practices-search-digests": {
        "task": "practices.search_digests_send",
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
    },
}

# Outgoing mail (notifications): retries with exponential backoff
# (base * 2 ** (attempt - 1) seconds) up to NOTIFICATIONS_MAX_ATTEMPTS tries; the sweep
# re-queues messages queued longer than the grace period or sending longer than the limit.
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=5)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.float("NOTIFICATIONS_RETRY_BASE_SECONDS", default=60.0)
NOTIFICATIONS_QUEUED_GRACE_SECONDS = env.float("NOTIFICATIONS_QUEUED_GRACE_SECONDS", default=60.0)
NOTIFICATIONS_STUCK_SECONDS = env.float("NOTIFICATIONS_STUCK_SECONDS", default=300.0)
# One send task carries this many messages, sent over one SMTP connection.
NOTIFICATIONS_BATCH_SIZE = env.int("NOTIFICATIONS_BATCH_SIZE", default=50)
# Subject, bodies and attachments of sent mail are blanked after this many days; the
# delivery record (who, what kind, when, state) stays.
NOTIFICATIONS_BODY_RETENTION_DAYS = env.int("NOTIFICATIONS_BODY_RETENTION_DAYS", default=180)
# Owners of open action items are reminded this many days before the due date.
NOTIFICATIONS_ACTION_ITEM_REMINDER_DAYS = env.int(
    "NOTIFICATIONS_ACTION_ITEM_REMINDER_DAYS", default=3
)

# Mail: SMTP from EMAIL_URL in production; files under var/mail during development.
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Runder Tisch <runder-tisch@example.org>"
)
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# EMAIL_URL, e.g. smtp+tls://user:password@mail.example.org:587 (see README).
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    _mail = env.email_url("EMAIL_URL")
    MAILERS = {
        "default": {
            "BACKEND": _mail["EMAIL_BACKEND"],
            "OPTIONS": {
                "host": _mail.get("EMAIL_HOST", "localhost"),
                "port": _mail.get("EMAIL_PORT", 25),
                "username": _mail.get("EMAIL_HOST_USER", ""),
                "password": _mail.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": bool(_mail.get("EMAIL_USE_TLS", False)),
                "use_ssl": bool(_mail.get("EMAIL_USE_SSL", False)),
                "timeout": env.int("EMAIL_TIMEOUT", default=30),
            },
        }
    }
elif DEBUG:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "localhost", "port": 25, "timeout": 30},
        }
    }

# Security: strict CSP (no inline scripts or styles, nothing from other hosts).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
_secure_default = not (DEBUG or TESTING)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_secure_default)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=_secure_default)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=_secure_default)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _secure_default else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = ["security.W021"] if not SECURE_HSTS_PRELOAD else []

# Footer pages: legal texts can be set here or edited by staff in the admin.
PORTAL_OPERATOR = env.str("PORTAL_OPERATOR", default="Südwestfalen Agentur GmbH")
PORTAL_CONTACT_EMAIL = env.str("PORTAL_CONTACT_EMAIL", default="runder-tisch@example.org")

# Only `make bench` turns this on: it adds a constant view to compare pages against.
BENCHMARK_ENDPOINTS = env.bool("BENCHMARK_ENDPOINTS", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
