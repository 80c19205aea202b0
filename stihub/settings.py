"""Settings, read from the environment. SQLite by default; DATABASE_URL for PostgreSQL.

With STIHUB_DEBUG off (production) the process refuses to start on an insecure setting.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("STIHUB_VAR_DIR", BASE_DIR.parent / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Production unless development is asked for: `make run` and the tests set STIHUB_DEBUG=1, so a
# server started without it never shows tracebacks or runs on the development key.
DEBUG = env_bool("STIHUB_DEBUG", False)
_DEV_SECRET = "insecure-development-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("STIHUB_SECRET_KEY", _DEV_SECRET if DEBUG else "")
ALLOWED_HOSTS = env_list(
    "STIHUB_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "127.0.0.1,localhost"
)

if not DEBUG:
    # Django's own bar for a strong key (check --deploy, security.W009): 50+ characters, 5+
    # different ones.
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "STIHUB_SECRET_KEY is missing: production (STIHUB_DEBUG=0) needs a random key of 50+ "
            "characters, e.g. from: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    if (
        SECRET_KEY == _DEV_SECRET
        or SECRET_KEY.startswith("django-insecure-")
        or len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
    ):
        raise ImproperlyConfigured("STIHUB_SECRET_KEY is too weak: it needs 50+ random characters")
    if "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured("STIHUB_ALLOWED_HOSTS must name the site's hosts, not '*'")

INSTALLED_APPS = [
    "stihub.core.apps.StihubAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "simple_history",
    "csp",  # checks the Content-Security-Policy settings
    # before stihub.core, whose admin replaces their admin pages
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "stihub.core",
    "stihub.monitoring",
    "stihub.innovation",
    "stihub.programme",
    "stihub.reporting",
    "stihub.reports",
    "stihub.market",
    "stihub.tasks",
    "stihub.registry",
    "stihub.jobs",
    "django_tasks",
    "django_tasks_db",  # the database backend of the job queue (its worker: `stihub db_worker`)
    "rules.apps.AutodiscoverRulesConfig",  # imports each app's rules.py
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # 503 "try again shortly" while the database is unreachable (and reconnect on the next)
    "stihub.core.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "stihub.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # absolute session lifetime, MFA for staff, refusals written to the security log
    "stihub.core.security.AccountSecurityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into its page
]

ROOT_URLCONF = "stihub.urls"
WSGI_APPLICATION = "stihub.wsgi.application"

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
            ],
        },
    }
]

if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'stihub.sqlite3'}"),
        # Production keeps a connection open between requests (a new one per request halves
        # throughput) and checks it before reuse, so a database restart costs no app restart.
        conn_max_age=env_int("STIHUB_DB_CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
# A read that meets a database outage waits this long for it to answer again before the 503.
STIHUB_DB_WAIT_SECONDS = env_int("STIHUB_DB_WAIT_SECONDS", 10)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A long import must never make the site answer "database is locked": in WAL mode readers
    # never wait for the writer; writers begin with the write lock (IMMEDIATE, so no upgrade
    # deadlock) and wait up to the busy timeout for the one writer at a time.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL;",
        "timeout": env_int("STIHUB_SQLITE_BUSY_SECONDS", 30),
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["stihub.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STIHUB_STATIC_ROOT", VAR_DIR / "static"))
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True

AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out name or address
    "rules.permissions.ObjectPermissionBackend",  # every permission is a rule (core/rules.py)
    "django.contrib.auth.backends.ModelBackend",  # user names match ignoring case (User.objects)
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
# Where people who report or review land after signing in: (permission, page).
STIHUB_WORK_HOME = ("reporting.view_home", "reporting:home")
LOGOUT_REDIRECT_URL = "home"
# Security level 3: after this many failed sign-ins, a user name and, separately, a client
# address are refused for this long (django-axes counts in the database, atomically; every
# failure during the lockout starts the period again). A success does not wipe the count, or
# someone with an account could reset the counter of their address between guesses.
STIHUB_LOCKOUT_ATTEMPTS = env_int("STIHUB_LOCKOUT_ATTEMPTS", 5)
STIHUB_LOCKOUT_MINUTES = env_int("STIHUB_LOCKOUT_MINUTES", 15)
AXES_FAILURE_LIMIT = STIHUB_LOCKOUT_ATTEMPTS
AXES_COOLOFF_TIME = timedelta(minutes=STIHUB_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "stihub.core.auth.typed_username"  # «DOST» counts as «dost»
AXES_LOCKOUT_CALLABLE = "stihub.core.auth.lockout_response"
AXES_RESET_ON_SUCCESS = False
AXES_DISABLE_ACCESS_LOG = True  # sign-ins go to the security log (core.SecurityEvent)
AXES_ENABLE_ADMIN = False  # core's admin shows the lockouts, by rule
AXES_VERBOSE = False
# The client address (lockout, security log) is REMOTE_ADDR, or with STIHUB_PROXY_COUNT
# (below, shared with the API's rate limits) the address the outermost trusted proxy saw.
AXES_CLIENT_IP_CALLABLE = "stihub.core.security.client_address"
# 15-minute idle session: the expiry moves forward with every request.
SESSION_COOKIE_AGE = env_int("STIHUB_SESSION_IDLE_SECONDS", 15 * 60)
SESSION_SAVE_EVERY_REQUEST = True
# ...and an absolute lifetime: a session signed in longer ago than this ends at its next
# request, however active it has been.
STIHUB_SESSION_ABSOLUTE_SECONDS = env_int("STIHUB_SESSION_ABSOLUTE_SECONDS", 8 * 60 * 60)
# Two-step verification (TOTP, django-otp): required of administrators and DOST officers.
OTP_TOTP_ISSUER = os.environ.get("STIHUB_OTP_ISSUER", "STI Hub")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
STIHUB_RECOVERY_CODES = 10
# Security events (sign-ins, lockouts, MFA, refusals) are kept this long, then pruned.
STIHUB_SECURITY_LOG_DAYS = env_int("STIHUB_SECURITY_LOG_DAYS", 365)
# Password reset e-mails: printed on the console unless an SMTP server is configured.
EMAIL_BACKEND = os.environ.get(
    "STIHUB_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("STIHUB_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("STIHUB_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("STIHUB_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("STIHUB_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("STIHUB_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("STIHUB_FROM_EMAIL", "STI Hub <no-reply@localhost>")
# The site's address, for links in e-mails sent outside a request (reminders), e.g.
# https://stihub.nghean.gov.vn; without it the links are paths.
STIHUB_SITE_URL = os.environ.get("STIHUB_SITE_URL", "").rstrip("/")
PASSWORD_RESET_TIMEOUT = env_int("STIHUB_PASSWORD_RESET_SECONDS", 60 * 60)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    # STIHUB_HTTPS: browsers reach the site over TLS only (at the reverse proxy, or gunicorn).
    _HTTPS = env_bool("STIHUB_HTTPS", True)
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _HTTPS
    # X-Forwarded-Proto is believed only when the proxy in front says it sets it (overwriting
    # whatever the client sent); otherwise anyone could claim https.
    _PROXY_SSL_HEADER = env_bool("STIHUB_PROXY_SSL_HEADER", False)
    if _PROXY_SSL_HEADER:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Django can redirect http to https only when it can tell them apart (the proxy header);
    # otherwise the proxy redirects, and Django's redirect would loop behind it.
    SECURE_SSL_REDIRECT = env_bool("STIHUB_SSL_REDIRECT", _HTTPS and _PROXY_SSL_HEADER)
    SECURE_HSTS_SECONDS = env_int("STIHUB_HSTS_SECONDS", 365 * 24 * 60 * 60 if _HTTPS else 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("STIHUB_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("STIHUB_HSTS_PRELOAD", False)
    SILENCED_SYSTEM_CHECKS = [
        # Preloading is the owner of the registrable domain's decision (e.g. nghean.gov.vn,
        # for all its sites), not one application's: off unless STIHUB_HSTS_PRELOAD=1.
        "security.W021",
        # The redirect is the proxy's job unless Django can see the scheme (see above).
        *([] if SECURE_SSL_REDIRECT or not _HTTPS else ["security.W008"]),
    ]

# Content-Security-Policy (django-csp): everything from our own origin, no inline script (the
# vendored htmx is a file; the Swagger UI at /api/docs/ loads its start-up script from a URL).
# Inline style stays allowed: status badges take their colour from the one status vocabulary
# (choices.py) as style="background:…", htmx adds its indicator <style>, and so do the Swagger
# UI page and Django's admin; a style cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],  # Swagger UI's icons are data: URIs
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Uploads are read in memory up to this size; larger files are refused by the forms.
STIHUB_MAX_UPLOAD_BYTES = env_int("STIHUB_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = STIHUB_MAX_UPLOAD_BYTES
# What an upload may hold once unpacked, checked before parsing and while streaming it
# (stihub/engines/limits.py): an .xlsx's parts in all, a part's compression ratio (a real sheet
# compresses 5-20 times, a zip bomb 1,000), and rows and columns of a sheet or CSV. Observation
# files may have 100,000 rows; an index workbook holds units, indicators and aggregates.
STIHUB_UPLOAD_MAX_UNZIPPED_BYTES = env_int("STIHUB_UPLOAD_MAX_UNZIPPED_BYTES", 100 * 1024 * 1024)
STIHUB_UPLOAD_MAX_ZIP_RATIO = env_int("STIHUB_UPLOAD_MAX_ZIP_RATIO", 100)
STIHUB_UPLOAD_MAX_ROWS = env_int("STIHUB_UPLOAD_MAX_ROWS", 100_000)
STIHUB_UPLOAD_MAX_COLUMNS = env_int("STIHUB_UPLOAD_MAX_COLUMNS", 50)
# An agency's upload is checked and previewed within the request (about 1 s per 1,000 rows):
# fewer rows than DOST's import, which goes to the job queue past STIHUB_JOB_THRESHOLD_ROWS.
STIHUB_REPORT_MAX_ROWS = env_int("STIHUB_REPORT_MAX_ROWS", 20_000)
# Registry imports (experts, enterprises...): a province's whole enterprise list fits.
STIHUB_REGISTRY_MAX_ROWS = env_int("STIHUB_REGISTRY_MAX_ROWS", 100_000)
# The province whose communes and wards the registries' records use (Nghệ An: 40).
STIHUB_PROVINCE_CODE = env_int("STIHUB_PROVINCE_CODE", 40)
STIHUB_INDEX_MAX_ROWS = env_int("STIHUB_INDEX_MAX_ROWS", 2_000)
STIHUB_INDEX_MAX_COLUMNS = env_int("STIHUB_INDEX_MAX_COLUMNS", 500)
# Uploaded files go through Django's storage API: a folder under the var dir by default, never
# under the static root, and served only by permission-checked views (no MEDIA_URL). With
# STIHUB_S3_BUCKET set, S3-compatible storage (django-storages; credentials from the standard
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY variables).
MEDIA_ROOT = Path(os.environ.get("STIHUB_MEDIA_ROOT", VAR_DIR / "media"))
_STATIC_FOLDERS = [STATIC_ROOT, *STATICFILES_DIRS]
if any(MEDIA_ROOT.resolve().is_relative_to(Path(d).resolve()) for d in _STATIC_FOLDERS):
    raise ImproperlyConfigured("STIHUB_MEDIA_ROOT must not be inside a static files folder")
_S3_BUCKET = os.environ.get("STIHUB_S3_BUCKET", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if not _S3_BUCKET
    else {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _S3_BUCKET,
            "endpoint_url": os.environ.get("STIHUB_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("STIHUB_S3_REGION") or None,
            "default_acl": "private",
            "file_overwrite": False,
        },
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Backups (`stihub backup`, `stihub restore`): encrypted with this key (`stihub backup --make-key`
# makes one; keep it away from the archives). Several keys separated by commas: the first
# encrypts, any of them decrypts (key rotation). Archives go to this folder by default.
STIHUB_BACKUP_KEY = os.environ.get("STIHUB_BACKUP_KEY", "")
STIHUB_BACKUP_DIR = Path(os.environ.get("STIHUB_BACKUP_DIR", VAR_DIR / "backups"))
# The resolution shown on the home page; the newest one when empty.
STIHUB_DEFAULT_RESOLUTION = os.environ.get("STIHUB_DEFAULT_RESOLUTION", "")

# Rate limits ("number/period", period s, min, h or day; empty turns one off), per signed-in
# user or else per client address, counted in the shared cache (stihub/core/ratelimit.py):
# the API, the innovation planner and hand edit (each POST recomputes the index), and large
# downloads (results workbook, observation downloads).
STIHUB_RATE_LIMITS = {
    "api_anon": os.environ.get("STIHUB_API_RATE_ANON", "120/min"),
    "api_user": os.environ.get("STIHUB_API_RATE_USER", "600/min"),
    "planner": os.environ.get("STIHUB_RATE_PLANNER", "20/min"),
    "download": os.environ.get("STIHUB_RATE_DOWNLOAD", "30/min"),
}
for _scope, _rate in STIHUB_RATE_LIMITS.items():
    if _rate and not re.fullmatch(r"[0-9]+/(s|sec|min|m|h|hour|d|day)", _rate):
        raise ImproperlyConfigured(f"Rate limit {_scope!r} must read like 120/min, not {_rate!r}")
# How many reverse proxies in front of the app append to X-Forwarded-For; 0 trusts none (a
# client could otherwise write any address there and escape its rate limit).
STIHUB_PROXY_COUNT = env_int("STIHUB_PROXY_COUNT", 0)

REST_FRAMEWORK = {
    # Each viewset names the permission of each action; an undeclared action is refused.
    "DEFAULT_PERMISSION_CLASSES": ["stihub.core.permissions.RulePermission"],
    # API tokens of other systems (`Authorization: Token <key>`, core/tokens.py), then sessions.
    # No Basic auth: it would let anyone lock accounts out by guessing through the API.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "stihub.core.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.AcceptHeaderVersioning",
    "DEFAULT_VERSION": "1",
    "ALLOWED_VERSIONS": ["1"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # ?limit= and ?offset= checked (400 when out of range); at most STIHUB_API_MAX_PAGE_SIZE.
    "DEFAULT_PAGINATION_CLASS": "stihub.core.parameters.Pagination",
    "PAGE_SIZE": 100,
    # drf-spectacular's, with the error answers (400, 403, 404, 406, 429) of each operation.
    "DEFAULT_SCHEMA_CLASS": "stihub.api.Schema",
    "EXCEPTION_HANDLER": "stihub.api.exception_handler",
    # STIHUB_RATE_LIMITS["api_anon"] per address, ["api_user"] per signed-in user.
    "DEFAULT_THROTTLE_CLASSES": [
        "stihub.core.ratelimit.AnonThrottle",
        "stihub.core.ratelimit.UserThrottle",
    ],
    # The client's address is the one the last trusted proxy saw (0: the connection's own).
    "NUM_PROXIES": STIHUB_PROXY_COUNT,
}
STIHUB_API_MAX_PAGE_SIZE = env_int("STIHUB_API_MAX_PAGE_SIZE", 1000)
SPECTACULAR_SETTINGS = {
    # Vietnamese by default, English with ?lang=en (the descriptions are translated strings).
    "TITLE": _("STI Hub API"),
    "DESCRIPTION": _(
        "The platform's data for other systems: resolutions, targets with their progress, "
        "observations. Public reads need no account; writes need an API token (header "
        "Authorization: Token <key>) or a signed-in session. "
        "Version 1; ask for it with the header Accept: application/json; version=1."
    ),
    "TAGS": [{"name": "monitoring", "description": _("Resolutions, targets and observations")}],
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if not os.environ.get("REDIS_URL")
    else {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }
}

# The job queue (django-tasks, database backend): anything over a second runs as a job beside
# the web processes, started with `stihub db_worker`; no extra server on SQLite or PostgreSQL.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Live progress of a running job, shared by the worker and the web processes (a job writes its
# data in one transaction, so the database shows its progress only at the end): Redis when set,
# else files under the var dir, which every process on the machine sees.
CACHES["jobs"] = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
    if os.environ.get("REDIS_URL")
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": VAR_DIR / "cache" / "jobs",
    }
)
# An observation file with more data rows than this is imported as a job, not in the request.
STIHUB_JOB_THRESHOLD_ROWS = env_int("STIHUB_JOB_THRESHOLD_ROWS", 2000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("STIHUB_LOG_LEVEL", "WARNING")},
}
# Numbers are grouped by the `num` filter only, so years and codes stay as written.
USE_THOUSAND_SEPARATOR = False
