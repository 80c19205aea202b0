from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "stihub.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import auth  # noqa: F401  (connects the sign-in signal receivers)


class StihubAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the platform's site: access by rule, sign-in by the platform."""

    default = False
    default_site = "stihub.core.admin_site.StihubAdminSite"
