from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from oauth_server import views

urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("api/me", views.me),
    path("api/protected", views.protected),
    path("_itest/revoke-access-tokens", views.revoke_access_tokens),
    path("_itest/echo-authorization", views.echo_authorization),
    path("_itest/ready", views.ready),
    path("_itest/events", views.events),
    path("_itest/revoke-refresh-tokens", views.revoke_refresh_tokens),
]
