"""HomeSafe settings: everything that differs between machines comes from the environment.

HOMESAFE_MODE is ``production`` (the default: debug off, MFA required, secrets required),
``demo`` (the local demo: debug on, MFA optional with a visible banner) or ``test``.
"""

import os
import secrets
import warnings
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(environ.Env().str("HOMESAFE_VAR_DIR", default=str(PROJECT_DIR / "var")))

env = environ.Env()
MODE = env.str("HOMESAFE_MODE", default="production")
if MODE not in {"production", "demo", "test"}:
    raise ImproperlyConfigured(f"HOMESAFE_MODE must be production, demo or test, not {MODE!r}")
DEMO = MODE == "demo"
TESTING = MODE == "test"

# Pages are served as users see them (no debug pages) unless DEBUG=true is asked for.
DEBUG = env.bool("DEBUG", default=False)

# Settings that production needs and the environment lacks. Commands that need none of them
# (help, `protocol simulate`) still run; everything else stops with one line naming the setting
# (homesafe.cli, homesafe.wsgi). A random key stands in so that nothing is signed with a known one.
MISSING_SETTINGS: dict[str, str] = {}
if MODE == "production":
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY:
        MISSING_SETTINGS["SECRET_KEY"] = (
            "SECRET_KEY must be set in the environment in production: for example "
            "export SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))'); "
            "or set HOMESAFE_MODE=demo to run the demo (see docs/deployment.md)"
        )
        SECRET_KEY = secrets.token_urlsafe(50)
else:
    SECRET_KEY = env.str("SECRET_KEY", default="homesafe-not-secret-" + "x" * 40 + MODE)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "django_tasks_db",
    "crontask",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "django_filters",
    "homesafe.access",
    "homesafe.people",
    "homesafe.episodes",
    "homesafe.duties",
    "homesafe.reminders",
    "homesafe.interviews",
    "homesafe.meetings",
    "homesafe.screening",
    "homesafe.concerns",
    "homesafe.profiles",
    "homesafe.safety_plans",
    "homesafe.locate",
    "homesafe.intake",
    "homesafe.daily_screening",
    "homesafe.story",
    "homesafe.insight",
    "homesafe.api",
    "homesafe.administration",
    "homesafe.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "homesafe.access.middleware.RequireMfaMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "homesafe.urls"
WSGI_APPLICATION = "homesafe.wsgi.application"

_context_processors = [
    "django.template.context_processors.request",
    "django.template.context_processors.csp",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "homesafe.web.context_processors.homesafe",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "homesafe.web.jinja.environment",
            "context_processors": _context_processors,
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": _context_processors},
    },
]

# Databases: SQLite by default (a file under var/), PostgreSQL by DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'homesafe.sqlite3'}")}
if "DATABASE_URL" not in os.environ:
    # var/ is not in the repository: a fresh clone makes it on first use.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and IMMEDIATE transactions let the web process and the worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# A task RUNNING longer than this is taken to have lost its worker and is queued again
# (homesafe/task_leases.py); long tasks renew their lease as they go.
HOMESAFE_TASK_LEASE_SECONDS = env.int("HOMESAFE_TASK_LEASE_SECONDS", default=15 * 60)

# Police download imports (homesafe/intake/imports.py; figures in docs/benchmarks.md).
# Rows a chunk (one transaction) takes: fewer, bigger transactions write faster (a page of an
# index that many rows change is written once), at the cost of holding SQLite's write lock for
# about half a second at a time.
HOMESAFE_INTAKE_CHUNK_SIZE = env.int("HOMESAFE_INTAKE_CHUNK_SIZE", default=5000)
# An import holds its chunks' re-plan tasks but the last one's until it ends (ReplanQueue):
# each for this many seconds at a time, moved on by every chunk; after an import that died,
# they run when it runs out or when the next import starts.
HOMESAFE_INTAKE_REPLAN_HOLD_SECONDS = env.int("HOMESAFE_INTAKE_REPLAN_HOLD_SECONDS", default=60)
# A file with at least this many rows (a CSV file: lines) is matched by a second process.
HOMESAFE_INTAKE_MATCH_AHEAD_MIN_ROWS = env.int(
    "HOMESAFE_INTAKE_MATCH_AHEAD_MIN_ROWS", default=20000
)
# SQLite only, for the connection of an import and of the worker's re-plan tasks
# (homesafe.bulk.sqlite_tuned): its page cache in KiB while they run, and how many pages the
# WAL may grow by before that connection checkpoints it itself (a thread of the process
# checkpoints it long before: homesafe.bulk.WalCheckpointer).
HOMESAFE_SQLITE_CACHE_KIB = env.int("HOMESAFE_SQLITE_CACHE_KIB", default=256 * 1024)
HOMESAFE_SQLITE_CHECKPOINT_PAGES = env.int("HOMESAFE_SQLITE_CHECKPOINT_PAGES", default=50000)

AUTH_USER_MODEL = "access.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "account_login"

# Sign-in: allauth (e-mail and password, TOTP), no self sign-up: accounts are made by administrators.
ACCOUNT_ADAPTER = "homesafe.access.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = False if TESTING else {}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "HomeSafe"
HOMESAFE_MFA_REQUIRED = env.bool("HOMESAFE_MFA_REQUIRED", default=not DEMO)
# Django's admin is off: administrators use /administration/. On, it sits behind the same sign-in.
HOMESAFE_DJANGO_ADMIN = env.bool("HOMESAFE_DJANGO_ADMIN", default=False)

# Lockout after repeated failures (django-axes); allauth posts "login", not "username".
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.int("AXES_COOLOFF_HOURS", default=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "homesafe.access.adapters.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "access/locked_out.html"

# Sessions end after 30 minutes without activity and when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_TIMEOUT_SECONDS", default=30 * 60)
# Activity keeps a session going: homesafe.web.middleware.SessionActivityMiddleware saves it
# at most once a minute, not on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if MODE == "production":
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Uploads are counted as they stream in: past HOMESAFE_MAX_UPLOAD_MB a file's bytes are dropped
# and the form says so (homesafe.uploads); up to 2.5 MB in memory, then a temporary file.
HOMESAFE_MAX_UPLOAD_MB = env.int("HOMESAFE_MAX_UPLOAD_MB", default=100)
FILE_UPLOAD_HANDLERS = [
    "homesafe.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # the rest of a request's body (fields, JSON)

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Uploaded files (pre-incident profile photos). Never served as public media: a view that
# checks access streams each one (homesafe.profiles.views.profile_photo).
MEDIA_ROOT = Path(env.str("HOMESAFE_MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if MODE == "production"
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Production serves what collectstatic gathered; the demo and the tests serve from the source.
WHITENOISE_USE_FINDERS = MODE != "production"
WHITENOISE_AUTOREFRESH = DEBUG
# Whitenoise warns when STATIC_ROOT is missing, which it is until collectstatic runs (production).
warnings.filterwarnings("ignore", message="No directory at")

# E-mail from EMAIL_URL (smtp://user:password@host:587/?tls=True; consolemail:// prints).
_email = env.email_url(
    "EMAIL_URL", default="consolemail://" if MODE != "production" else "smtp://localhost:25"
)
_smtp_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS"),
    "use_ssl": _email.get("EMAIL_USE_SSL"),
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {k: v for k, v in _smtp_options.items() if v not in (None, "")}
        if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
        else {},
    }
}
if DEMO and "EMAIL_URL" not in os.environ:
    # The demo's reminders are written to files under var/mail/, not scrolled past on the console.
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
if TESTING:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="homesafe@localhost")

# A notification sent from a duty's page to a told party outside HomeSafe goes through the
# e-mail backend above, or through GOV.UK Notify when its API key is set (docs/deployment.md):
# a Notify e-mail template whose subject is ((subject)) and body ((body)).
HOMESAFE_NOTIFY_API_KEY = env.str("HOMESAFE_NOTIFY_API_KEY", default="")
HOMESAFE_NOTIFY_TEMPLATE_ID = env.str("HOMESAFE_NOTIFY_TEMPLATE_ID", default="")
HOMESAFE_NOTIFY_BASE_URL = env.str("HOMESAFE_NOTIFY_BASE_URL", default="")
if HOMESAFE_NOTIFY_API_KEY and not HOMESAFE_NOTIFY_TEMPLATE_ID:
    raise ImproperlyConfigured(
        "HOMESAFE_NOTIFY_API_KEY is set: set HOMESAFE_NOTIFY_TEMPLATE_ID to the id of the "
        "Notify e-mail template whose subject is ((subject)) and body ((body))."
    )

# Logs carry ids and verbs, never names or other personal data (see docs/deployment.md).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # axes logs every sign-in at INFO; failures and lockouts come at WARNING.
        "axes": {"level": "WARNING"},
        # The scheduler logs its lock every five seconds and a heartbeat every minute at INFO.
        "apscheduler": {"level": "WARNING"},
        "crontask": {"level": "WARNING"},
    },
}

# The REST API (/api/v1/): police systems authenticate with a per-force API key; people use
# their signed-in session. The OpenAPI schema is at /api/schema/.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    # Every API error is JSON with a `code`, the database being down included (a 503).
    "EXCEPTION_HANDLER": "homesafe.api.errors.api_exception_handler",
}
# Issue 12, point 9: answers with children's data are not cached; the API throttles each key,
# person and address (rates like "600/minute"; off in tests); lockouts and throttles key on
# the client's address behind the proxies named in HOMESAFE_TRUSTED_PROXIES (addresses or
# networks, comma-separated) and on REMOTE_ADDR otherwise (docs/deployment.md).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "homesafe.web.middleware.NoStoreMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("homesafe.web.middleware.NoStoreMiddleware") + 1,
    "homesafe.web.middleware.SessionActivityMiddleware",
)
HOMESAFE_TRUSTED_PROXIES = env.list("HOMESAFE_TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "homesafe.access.client_ip.client_ip"
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = ["homesafe.api.throttling.ClientRateThrottle"]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "client": None if TESTING else env.str("API_RATE_PER_CLIENT", default="600/minute"),
    "bad_key": None if TESTING else env.str("API_RATE_BAD_KEYS", default="10/minute"),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "HomeSafe API",
    "DESCRIPTION": "Police notifications of missing and found children, and need-to-know reads.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Choice sets that share a field name ("kind") with another's get their own names.
    "ENUM_NAME_OVERRIDES": {
        "SightingKindEnum": "homesafe.locate.choices.SightingKind",
        "LocateActionKindEnum": "homesafe.locate.choices.LocateActionKind",
        "PublicityDecisionEnum": "homesafe.locate.choices.PublicityDecisionKind",
        # The screening decision keeps the name it had before publicity shared its field name.
        "DecisionEnum": "homesafe.daily_screening.choices.ScreeningOutcome",
        "ConcernKindEnum": "homesafe.concerns.choices.ConcernKind",
    },
}

# The address people reach HomeSafe at, for every link HomeSafe writes (e-mails, PDFs). The demo
# sets it from the address it serves at (`make demo PORT=8123`).
HOMESAFE_BASE_URL = env.str("HOMESAFE_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Maps have no background tiles unless a tile server is configured (no outside calls by default),
# e.g. "https://tiles.example.org/{z}/{x}/{y}.png" (also add it to SECURE_CSP img-src).
HOMESAFE_MAP_TILE_URL = env.str("HOMESAFE_MAP_TILE_URL", default="")

HOMESAFE_SERVICE_NAME = env.str("HOMESAFE_SERVICE_NAME", default="HomeSafe")
