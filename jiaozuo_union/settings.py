"""Settings for the Jiaozuo Workers' Service Portal.

One module. Every deployment value is read from the environment through ``env``; the embedded
defaults are only those that are safe on a developer's laptop (SQLite, eager Celery, local-memory
cache, console e-mail, SMS to the log). With DEBUG off, a missing secret stops start-up.
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from cryptography.fernet import Fernet
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A .env file beside manage.py is read when present (never committed).
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Behind nginx (or a load balancer and nginx): how many proxies append to X-Forwarded-For in front
# of the application. Only that many right-most entries are trusted (apps.core.net.client_ip).
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if BEHIND_PROXY else 0)


def _required(name: str, *, cast=str):
    """Read a value that production must set; in DEBUG an embedded laptop default is allowed."""
    value = env(name, default=None)
    if value in (None, ""):
        raise ImproperlyConfigured(
            f"环境变量 {name} 未设置。生产环境（DEBUG=0）必须设置 {name}；"
            f"本机开发请用 `make run`（它会打开 DEBUG）。"
        )
    return cast(value) if cast is not str else value


if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production-0123456789")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
else:
    SECRET_KEY = _required("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("环境变量 ALLOWED_HOSTS 未设置（以逗号分隔的域名列表）。")

# Keys for personal data (PIPL): a keyed hash to de-duplicate ID numbers without storing them
# readable, and Fernet keys to encrypt them where staff need the whole number. Neither derives
# from SECRET_KEY in production, so rotating SECRET_KEY never makes stored numbers unreadable.
# FIELD_ENCRYPTION_KEY is a comma-separated list, current key first (see apps.core.crypto).
if DEBUG:
    PII_HASH_KEY = env("PII_HASH_KEY", default=SECRET_KEY)
    FIELD_ENCRYPTION_KEY = env.list("FIELD_ENCRYPTION_KEY", default=[])
else:
    PII_HASH_KEY = _required("PII_HASH_KEY")
    if len(PII_HASH_KEY) < 32:
        raise ImproperlyConfigured("环境变量 PII_HASH_KEY 太短：至少 32 个字符的随机值。")
    FIELD_ENCRYPTION_KEY = env.list("FIELD_ENCRYPTION_KEY", default=[])
    if not FIELD_ENCRYPTION_KEY:
        _required("FIELD_ENCRYPTION_KEY")
for _position, _key in enumerate(FIELD_ENCRYPTION_KEY, start=1):
    try:
        Fernet(_key.encode())
    except ValueError:
        raise ImproperlyConfigured(
            f"FIELD_ENCRYPTION_KEY 的第 {_position} 个密钥无效：应为 Fernet 密钥（32 字节的 URL 安全 Base64）。"
            "生成：python -c \"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())\""
        ) from None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "apps.core",
    "apps.accounts",
    "apps.notifications",
    "apps.recruitment",
    "apps.training",
    "apps.reports",
    "apps.organizing",
    "apps.protection",
    "apps.relief",
    "apps.subsidies",
    "apps.women_workers",
    "apps.legal_aid",
    "apps.publicity",
    "apps.volunteers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "apps.core.middleware.RefuseNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "apps.core.middleware.RequestContextMiddleware",
    "apps.accounts.middleware.StaffIdleTimeoutMiddleware",
    # Staff finish the second step (TOTP) before anything else; see apps/accounts/two_factor.
    "apps.accounts.middleware.StaffSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jiaozuo_union.urls"
WSGI_APPLICATION = "jiaozuo_union.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.portal",
                "apps.notifications.context_processors.inbox",
            ],
            # {% icon %} and the other portal tags in every template without {% load %}.
            "builtins": ["apps.core.templatetags.portal"],
        },
    },
]

# Database: PostgreSQL through DATABASE_URL; unset, a SQLite file beside manage.py.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A laptop's SQLite cannot hold an index's INCLUDE columns (recruitment's district index); the index
    # is made without them and the queries stay the same. PostgreSQL, as deployed, has them.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: Celery broker and cache through REDIS_URL; unset, eager tasks and local memory.
REDIS_URL = env("REDIS_URL", default="")
# The cache is an optimisation: apps.core.cache.ForgivingRedisCache answers misses while Redis is
# down (short socket timeouts, then a few seconds without trying), so pages still render.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=1.0)
if REDIS_URL:
    CACHES = {"default": {
        "BACKEND": "apps.core.cache.ForgivingRedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": REDIS_SOCKET_TIMEOUT, "socket_timeout": REDIS_SOCKET_TIMEOUT},
    }}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Anonymous public pages are kept this long (apps.core.pagecache); 0 switches the page cache off.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=60)
# ... and each process keeps its last pages this long without asking Redis (0: always ask).
PUBLIC_PAGE_LOCAL_SECONDS = env.float("PUBLIC_PAGE_LOCAL_SECONDS", default=2.0)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "apps.accounts.validators.ComplexityValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:me"
LOGOUT_REDIRECT_URL = "core:home"

# Sessions: workers stay signed in for a week; staff sessions end after 30 idle minutes
# (apps.accounts.middleware.StaffIdleTimeoutMiddleware).
SESSION_COOKIE_AGE = 7 * 24 * 3600
# Read from the cache, written through to the table: a signed-in page costs no session query
# (bench/recruitment.md); without Redis, or when it is down, the table answers.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
STAFF_IDLE_TIMEOUT = env.int("STAFF_IDLE_TIMEOUT", default=30 * 60)
SESSION_COOKIE_HTTPONLY = True

# Login lockout: 5 failures for the same account from the same address lock it for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "apps.accounts.views.lockout"
AXES_VERBOSE = False
# The client's address comes from apps.core.net.client_ip for axes, the SMS limits and the audit.
AXES_CLIENT_IP_CALLABLE = "apps.core.net.client_ip"

# Staff second factor (django-otp): TOTP plus ten recovery codes. Wrong codes are limited by
# apps.accounts.two_factor (5 per 15 minutes per account), so django-otp's own growing delay is off.
OTP_TOTP_ISSUER = "焦作职工服务平台"
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Dates read the same everywhere: 2026年12月1日, and 12月1日 in dense tables.
FORMAT_MODULE_PATH = ["jiaozuo_union.formats"]

STATIC_URL = "/static/"
# collectstatic writes here; nginx serves it (deploy/nginx/jiaozuo.conf), WhiteNoise is the fallback.
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        # No public address: private files are served only by core's private_file view.
        "BACKEND": "apps.core.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media"))},
    },
    "staticfiles": {
        # Whitenoise's compressed manifest storage, or Django's plain one, with addresses kept per process.
        "BACKEND": "apps.core.storage.ManifestStaticStorage"
        if not DEBUG and env.bool("STATIC_MANIFEST", default=True)
        else "apps.core.storage.StaticStorage"
    },
}
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
MEDIA_URL = "/media/"

# Uploads: every app takes files through apps.core.uploads; the kinds and their limits live here.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
UPLOAD_KINDS = {
    "pdf": {"mimes": ["application/pdf"], "max_mb": env.int("UPLOAD_PDF_MAX_MB", default=5)},
    "image": {"mimes": ["image/jpeg", "image/png", "image/webp"], "max_mb": env.int("UPLOAD_IMAGE_MAX_MB", default=5)},
    "video": {"mimes": ["video/mp4", "video/webm"], "max_mb": env.int("UPLOAD_VIDEO_MAX_MB", default=200)},
    "document": {
        "mimes": [
            "application/pdf",
            "image/jpeg",
            "image/png",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ],
        "max_mb": env.int("UPLOAD_DOCUMENT_MAX_MB", default=10),
    },
    # Tickets and receipts of a transport subsidy: a photo or a PDF.
    "receipt": {"mimes": ["image/jpeg", "image/png", "image/webp", "application/pdf"],
                "max_mb": env.int("UPLOAD_RECEIPT_MAX_MB", default=5)},
    # Signed collective agreements: a scan, a photo, or the Word file itself (.doc or .docx).
    "agreement": {
        "mimes": ["application/pdf", "application/msword",
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  "image/jpeg", "image/png", "image/webp"],
        "max_mb": env.int("UPLOAD_AGREEMENT_MAX_MB", default=10),
    },
    "spreadsheet": {
        "mimes": ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
        "max_mb": env.int("UPLOAD_SPREADSHEET_MAX_MB", default=5),
    },
}
# Behind nginx, private files go out through X-Accel-Redirect to this internal location.
PRIVATE_FILES_X_ACCEL_PREFIX = env("PRIVATE_FILES_X_ACCEL_PREFIX", default="")

# Form widgets render through the project's templates, so templates/django/forms/ can restyle
# them once for every form (e.g. no "---------" empty option).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail and SMS: console / log by default, real backends named in the environment.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="焦作职工服务平台 <noreply@jzgh.example.cn>")
SMS_BACKEND = env("SMS_BACKEND", default="apps.core.sms.LogSmsBackend")
SMS_SIGNATURE = env("SMS_SIGNATURE", default="【焦作市总工会】")

# Celery. Without REDIS_URL tasks run eagerly in the web process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "apps.core.tasks.*": {"queue": "default"},
    "apps.notifications.tasks.*": {"queue": "notifications"},
    "apps.reports.tasks.*": {"queue": "reports"},
    "apps.recruitment.tasks.*": {"queue": "matching"},
}
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Longer than any task's time limit, so a slow task is never handed to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 3600, "socket_connect_timeout": REDIS_SOCKET_TIMEOUT}
# Work is enqueued through apps.core.outbox: a publish that fails leaves its outbox row for the
# sweep, so the web request gives up quickly instead of retrying against a dead broker.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Security. HTTPS settings follow FORCE_HTTPS (on unless DEBUG), so a laptop and the test server
# work over plain HTTP while production gets HSTS, secure cookies and the redirect. (Not named
# HTTPS: the development server and WSGI tools read a variable of that name as "request is secure".)
FORCE_HTTPS = env.bool("FORCE_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = FORCE_HTTPS
SESSION_COOKIE_SECURE = FORCE_HTTPS
CSRF_COOKIE_SECURE = FORCE_HTTPS
SECURE_HSTS_SECONDS = 31536000 if FORCE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = FORCE_HTTPS
SECURE_HSTS_PRELOAD = FORCE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "apps.core.errors.csrf_failure"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap components set element styles; style attributes only, never <style> blocks.
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "media-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "jiaozuo.sms": {"level": "INFO"},
    },
}

# How long personal data is kept: the privacy notice (/privacy/) states these and the purge tasks
# (apps.accounts.tasks, apps.recruitment.tasks) apply them.
PRIVACY_RETENTION = {
    "sms_code_hours": 24,          # SMS codes (stored hashed) are deleted a day after they are sent
    "resume_idle_days": 365,       # a résumé nobody updated for a year, with no application open, is erased
    "worker_session_days": SESSION_COOKIE_AGE // 86400,
    "staff_idle_minutes": STAFF_IDLE_TIMEOUT // 60,
}
PRIVACY_CONTACT = {
    "office": env("PRIVACY_CONTACT_OFFICE", default="焦作市总工会办公室（个人信息保护负责人）"),
    "phone": env("PRIVACY_CONTACT_PHONE", default="12351"),
    "email": env("PRIVACY_CONTACT_EMAIL", default=""),
    "address": env("PRIVACY_CONTACT_ADDRESS", default="河南省焦作市"),
}

SITE_NAME = "焦作职工服务平台"
ORGANIZATION_NAME = "焦作市总工会"

# The legal-aid hotline shown on /legal/ (the federation's 12351 line unless told otherwise).
LEGAL_AID_HOTLINE = env("LEGAL_AID_HOTLINE", default="12351")
