"""Settings, read from the environment. SQLite by default; DATABASE_URL for PostgreSQL.

With STIHUB_DEBUG off (production) the process refuses to start on an insecure setting.
"""

import os
from pathlib import Path

import dj_database_url
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


DEBUG = env_bool("STIHUB_DEBUG", True)
_DEV_SECRET = "insecure-development-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("STIHUB_SECRET_KEY", _DEV_SECRET)
ALLOWED_HOSTS = env_list("STIHUB_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

if not DEBUG:
    if SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured("STIHUB_SECRET_KEY must be set to a random 40+ character value")
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
    "stihub.core",
    "stihub.monitoring",
    "stihub.innovation",
    "rules.apps.AutodiscoverRulesConfig",  # imports each app's rules.py
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "stihub.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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
        conn_max_age=env_int("STIHUB_DB_CONN_MAX_AGE", 0),
    )
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
    "rules.permissions.ObjectPermissionBackend",  # every permission is a rule (core/rules.py)
    "stihub.core.auth.LockoutModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Security level 3: lock an account after this many failed sign-ins in a row, for this long.
STIHUB_LOCKOUT_ATTEMPTS = env_int("STIHUB_LOCKOUT_ATTEMPTS", 5)
STIHUB_LOCKOUT_MINUTES = env_int("STIHUB_LOCKOUT_MINUTES", 15)
# 15-minute idle session: the expiry moves forward with every request.
SESSION_COOKIE_AGE = env_int("STIHUB_SESSION_IDLE_SECONDS", 15 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("STIHUB_HTTPS", True)
    SECURE_SSL_REDIRECT = env_bool("STIHUB_SSL_REDIRECT", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("STIHUB_HSTS_SECONDS", 0)

# Uploads are read in memory up to this size; larger files are refused by the forms.
STIHUB_MAX_UPLOAD_BYTES = env_int("STIHUB_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = STIHUB_MAX_UPLOAD_BYTES
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
# The resolution shown on the home page; the newest one when empty.
STIHUB_DEFAULT_RESOLUTION = os.environ.get("STIHUB_DEFAULT_RESOLUTION", "")

REST_FRAMEWORK = {
    # Each viewset names the permission of each action; an undeclared action is refused.
    "DEFAULT_PERMISSION_CLASSES": ["stihub.core.permissions.RulePermission"],
    # Sessions only: Basic auth would let anyone lock accounts out by guessing through the API.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.AcceptHeaderVersioning",
    "DEFAULT_VERSION": "1",
    "ALLOWED_VERSIONS": ["1"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    # Vietnamese by default, English with ?lang=en (the descriptions are translated strings).
    "TITLE": _("STI Hub API"),
    "DESCRIPTION": _(
        "The platform's data for other systems: resolutions, targets with their progress, "
        "observations. Public reads need no account; writes need a signed-in session. "
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("STIHUB_LOG_LEVEL", "WARNING")},
}
# Numbers are grouped by the `num` filter only, so years and codes stay as written.
USE_THOUSAND_SEPARATOR = False
