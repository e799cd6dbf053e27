"""A tiny, separate Django project: an OpenID Connect provider (django-oauth-toolkit) the SSO tests
sign in against over real HTTP. sqlite in a temporary folder; started by tests/sso/conftest.py."""
import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def _pem(key) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


SECRET_KEY = "idp-test-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
ROOT_URLCONF = "tests.sso.idp.urls"
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "django.contrib.sessions",
                  "oauth2_provider"]
MIDDLEWARE = ["tests.sso.idp.urls.count_requests",
              "django.contrib.sessions.middleware.SessionMiddleware",
              "django.contrib.auth.middleware.AuthenticationMiddleware"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
                         "NAME": os.path.join(os.environ["IDP_DATA_DIR"], "idp.sqlite3")}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "/login/"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
SIGNING_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
#: a key the provider does NOT publish: the "bad signature" mode signs with it
ROGUE_KEY = _pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))
#: the key the provider rotates to in the "rotated" mode: published and signed with from then on
NEXT_KEY = _pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _pem(SIGNING_KEY),
    "PKCE_REQUIRED": True,
    "OAUTH2_VALIDATOR_CLASS": "tests.sso.idp.validator.CampusValidator",
    "SCOPES": {"openid": "OpenID Connect", "profile": "姓名与工号"},
}
