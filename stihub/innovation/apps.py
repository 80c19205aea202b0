from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnovationConfig(AppConfig):
    name = "stihub.innovation"
    label = "innovation"
    verbose_name = _("Innovation index")

    def ready(self):
        from stihub.core.cache import watch

        from .models import IndexDataset

        watch(IndexDataset)  # the ranking page is cached per data version
