"""Settings of the throw-away OAuth2/OIDC server (django-oauth-toolkit) for the integration suite.

Everything variable (database path, RSA key, users, applications) comes from the JSON
file named by ``ITEST_OAUTH_CONFIG``, written by the pytest fixture that starts us.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from oauth_server import tokens

CONFIG = json.loads(Path(os.environ["ITEST_OAUTH_CONFIG"]).read_text())
HERE = Path(__file__).resolve().parent

SECRET_KEY = CONFIG["django_secret_key"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "oauth_server.urls"
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "oauth2_provider",
]
MIDDLEWARE = [
    "oauth_server.views.RecordOAuthTraffic",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ]
        },
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": CONFIG["database"]}}
# Fast hashing: the users exist for one test session only.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STATIC_URL = "/static/"
LOGIN_URL = "/accounts/login/"
LOGGING = {
    "version": 1,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"oauth2_provider": {"handlers": ["console"], "level": "WARNING"}},
}

OAUTH2_PROVIDER = {
    "SCOPES": {
        "read": "Read",
        "write": "Write",
        "openid": "OpenID Connect",
        "profile": "Profile",
        "email": "E-mail",
    },
    "DEFAULT_SCOPES": ["read", "write"],
    # RFC 8252: a loopback redirect URI registered without a port accepts any port, and
    # "localhost" (the library's default redirect host) counts as loopback.
    "ALLOW_LOCALHOST_LOOPBACK": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http"],
    "PKCE_REQUIRED": tokens.pkce_required,
    "ACCESS_TOKEN_EXPIRE_SECONDS": tokens.access_token_lifetime,
    "ACCESS_TOKEN_GENERATOR": "oauth_server.tokens.access_token",
    "REFRESH_TOKEN_GENERATOR": "oauthlib.oauth2.rfc6749.tokens.random_token_generator",
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    "REQUEST_APPROVAL_PROMPT": "force",
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": Path(CONFIG["rsa_private_key_file"]).read_text(),
    # RFC 8628: where users enter the code, with the code pre-filled; quick polls for tests.
    "OAUTH_DEVICE_VERIFICATION_URI": CONFIG["base_url"] + "/o/device/",
    "OAUTH_DEVICE_VERIFICATION_URI_COMPLETE": CONFIG["base_url"] + "/o/device/?user_code={user_code}",
    "DEVICE_FLOW_INTERVAL": 1,
}
