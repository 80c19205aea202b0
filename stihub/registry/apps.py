from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "stihub.registry"
    label = "registry"
    verbose_name = _("STI resources")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import search, signals

        signals.connect()
        # A later migration that rebuilds a table on SQLite drops the FTS5 triggers: put them back.
        post_migrate.connect(search.on_post_migrate, sender=self, dispatch_uid="registry-fts")
