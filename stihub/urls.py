from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from stihub.api import discover
from stihub.core import views as core_views
from stihub.monitoring import views as monitoring_views

urlpatterns = [
    path("", monitoring_views.default, name="home"),
    path("monitoring/", include("stihub.monitoring.urls")),
    path("innovation/", include("stihub.innovation.urls")),
    path("history/<str:app_label>/<str:model_name>/<int:pk>/", core_views.history, name="history"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include(discover().urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
