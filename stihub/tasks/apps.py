from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "stihub.tasks"
    label = "tasks"
    verbose_name = _("S&T tasks")
