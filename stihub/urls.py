from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from stihub.api import discover
from stihub.core import accounts, token_views
from stihub.core import views as core_views
from stihub.monitoring import views as monitoring_views

urlpatterns = [
    path("", monitoring_views.default, name="home"),
    path("monitoring/", include("stihub.monitoring.urls")),
    path("innovation/", include("stihub.innovation.urls")),
    path("programme/", include("stihub.programme.urls")),
    path("jobs/", include("stihub.jobs.urls")),
    path("reporting/", include("stihub.reporting.urls")),
    path("reports/", include("stihub.reports.urls")),
    path("registry/", include("stihub.registry.urls")),
    path("tasks/", include("stihub.tasks.urls")),
    path("market/", include("stihub.market.urls")),
    path("health/", core_views.health, name="health"),
    path("history/<str:app_label>/<str:model_name>/<int:pk>/", core_views.history, name="history"),
    path("accounts/login/", accounts.sign_in, name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", accounts.account, name="account"),
    path("accounts/mfa/", accounts.mfa_verify, name="mfa_verify"),
    path("accounts/mfa/setup/", accounts.mfa_enrol, name="mfa_enrol"),
    path("accounts/mfa/recovery-codes/", accounts.mfa_recovery_codes, name="mfa_recovery_codes"),
    path("accounts/password/", accounts.password_change, name="password_change"),
    path("accounts/password/done/", accounts.password_change_done, name="password_change_done"),
    path("accounts/password/reset/", accounts.password_reset, name="password_reset"),
    path("accounts/password/reset/sent/", accounts.password_reset_done, name="password_reset_done"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        accounts.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        accounts.password_reset_complete,
        name="password_reset_complete",
    ),
    path("accounts/tokens/", token_views.token_list, name="api_tokens"),
    path("accounts/tokens/<int:pk>/revoke/", token_views.token_revoke, name="api_token_revoke"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include(discover().urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script from a URL: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
