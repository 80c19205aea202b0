from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "stihub.registry"
    label = "registry"
    verbose_name = _("STI resources")

    def ready(self):
        from . import signals

        signals.connect()
