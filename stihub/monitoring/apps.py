from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "stihub.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self):
        from stihub.core.cache import watch
        from stihub.core.models import Agency

        from .models import Indicator, Observation, Resolution, SolutionGroup, Target

        watch(Observation, Target, Indicator, Resolution, SolutionGroup, Agency)
