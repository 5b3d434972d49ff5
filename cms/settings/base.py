"""Settings shared by every environment. Environment-specific files import from here."""

import os
import shutil
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = False
ALLOWED_HOSTS: list[str] = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    # our apps first so their templates and translations win
    "cms",
    "cms.audit",
    "cms.directory",
    "cms.checklists",
    "workflows.inspections",
    "workflows.hazards",
    "workflows.reporting",
    "workflows.assessment",
    "notices",
    "exports",
    "cms.loadgen",
    # wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
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
    # api and history
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "captcha",  # django-simple-captcha: the image captcha of the public tip-off form (notices.captcha)
    # django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # an admin URL of an object outside the user's scope answers 404, like a missing id
    "cms.scope.ScopedObjectURLMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "cms.wsgi.application"

# SQLite is the embedded default; DATABASE_URL=postgres://... switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the writer lock instead of failing at once under concurrent requests.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAIL_I18N_ENABLED = False
TIME_ZONE = "Asia/Shanghai"
# the account page offers only this zone (not 600 English zone names); everything runs in it
WAGTAIL_USER_TIME_ZONES = ["Asia/Shanghai"]
USE_I18N = True
# Chinese for the admin text Wagtail 8.0's own zh_Hans catalogue does not have yet
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS: list[Path] = []
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Production: nginx's `internal` location that serves MEDIA_ROOT once the app said yes (docs/deploy.md);
# empty: the app sends the bytes itself (development, tests)
PRIVATE_FILES_ACCEL_REDIRECT = os.environ.get("PRIVATE_FILES_ACCEL_REDIRECT", "")
STORAGES = {
    # uploads are private: their URLs go through cms.files.file_view, which checks the data scope
    "default": {"BACKEND": "cms.files.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: limits checked by our validators (cms.uploads) and by Django itself.
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
API_JSON_MAX_BYTES = 2 * 1024 * 1024  # JSON bodies are text only (cms.api.parsers)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
UPLOAD_MAX_IMAGE_BYTES = int(os.environ.get("UPLOAD_MAX_IMAGE_BYTES", 10 * 1024 * 1024))
UPLOAD_MAX_IMAGES = int(os.environ.get("UPLOAD_MAX_IMAGES", 10))  # photos per field of one request
UPLOAD_MAX_IMAGE_PIXELS = int(os.environ.get("UPLOAD_MAX_IMAGE_PIXELS", 40_000_000))
UPLOAD_MAX_EXCEL_BYTES = int(os.environ.get("UPLOAD_MAX_EXCEL_BYTES", 5 * 1024 * 1024))
UPLOAD_MAX_EXCEL_ROWS = int(os.environ.get("UPLOAD_MAX_EXCEL_ROWS", 20000))

# The tip-off form's image captcha (django-simple-captcha; see notices/captcha.py).
CAPTCHA_CHALLENGE_FUNCT = "notices.captcha.challenge"
CAPTCHA_LENGTH = 5
CAPTCHA_TIMEOUT = 30  # minutes: long enough to write a report
CAPTCHA_FONT_SIZE = 30
CAPTCHA_LETTER_ROTATION = (-30, 30)
CAPTCHA_FLITE_PATH = shutil.which("flite")  # the spoken captcha, when the server has flite

LOGIN_URL = "wagtailadmin_login"
AUTHENTICATION_BACKENDS = [
    "cms.security.LimitedAuthBackend",  # ModelBackend + lockout after repeated failures
    "django.contrib.auth.backends.ModelBackend",  # sessions made by it (force_login, older logins) stay valid
]
LOGIN_MAX_FAILURES = 5
LOGIN_LOCKOUT_SECONDS = 15 * 60
LOGIN_BACKOFF_SECONDS = 2  # doubled per failure of one username past LOGIN_MAX_FAILURES (cms.security)
WAGTAILADMIN_USER_LOGIN_FORM = "cms.security.LimitedLoginForm"


def _proxy_hops() -> int:
    raw = os.environ.get("TRUSTED_PROXY_HOPS", "0").strip() or "0"
    if not raw.isascii() or not raw.isdigit() or int(raw) > 10:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"环境变量 TRUSTED_PROXY_HOPS 必须是 0 到 10 的整数，而不是 {raw!r}")
    return int(raw)


# How many reverse proxies we run in front of the app (nginx, a cloud SLB…), each appending the
# address it saw to X-Forwarded-For. 0: none, the connection's address is the client's.
# docs/deploy.md explains how to set it; cms.security.client_ip is the one reader.
TRUSTED_PROXY_HOPS = _proxy_hops()

# Wagtail
WAGTAIL_SITE_NAME = "荔城区安全生产常态化督导检查"
# `make run PORT=9000` serves on that port; the links printed (ensure_admin) and mailed say the same
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "doc", "xlsx", "xls", "jpg", "jpeg", "png", "txt"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = UPLOAD_MAX_IMAGE_BYTES
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]  # the same formats as every other photo (cms.uploads)
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_DATE_FORMAT = "%Y-%m-%d"
WAGTAIL_DATETIME_FORMAT = "%Y-%m-%d %H:%M"
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL

# History (django-simple-history) and its tamper-evident chain (cms.audit)
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True
HISTORY_CHAIN_KEY = os.environ.get("HISTORY_CHAIN_KEY", SECRET_KEY)

# REST framework
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["cms.api.permissions.ScopedModelPermission"],
    "DEFAULT_PAGINATION_CLASS": "cms.api.pagination.StandardPagination",
    "DEFAULT_PARSER_CLASSES": [
        "cms.api.parsers.CleanJSONParser",
        "cms.api.parsers.CleanFormParser",
        "cms.api.parsers.CleanMultiPartParser",
    ],
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "cms.api.filters.KnownParamsFilter",
        "cms.api.filters.FilterBackend",
        "cms.api.search.SubstringSearchFilter",
        "cms.api.search.StrictOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cms.api.exceptions.exception_handler",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "cms.api.negotiation.StrictContentNegotiation",
    "DEFAULT_THROTTLE_RATES": {"login": "10/min", "tipoff": "5/hour"},
    # our throttles use cms.security.client_ip; this keeps any other DRF throttle consistent
    "NUM_PROXIES": TRUSTED_PROXY_HOPS,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "荔城区安全生产常态化督导检查 API",
    "DESCRIPTION": "依据荔安办〔2023〕95号：名录、检查表、督导检查、隐患闭环、三单、通报、月报与考核。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["cms.api.schema.only_our_api"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "cms.api.schema.declare_errors"],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "HazardLevelEnum": "workflows.hazards.models.HazardLevel",
        "HazardStateEnum": "workflows.hazards.models.HazardState",
        "OrderKindEnum": "workflows.hazards.models_orders.OrderKind",
    },
    # Swagger UI from our own static files, not a CDN (the office network may have no internet).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
CSRF_FAILURE_VIEW = "cms.bad_request.csrf_failure"  # JSON under /api/
