from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ActionItem, Evidence, ProgressUpdate


@admin.register(ActionItem)
class ActionItemAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "solution_group", "lead_agency", "deadline", "status"]
    list_filter = ["status", "solution_group"]
    search_fields = ["code", "title"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(SimpleHistoryAdmin):
    list_display = ["item", "date", "percent_done", "reported_by"]
    raw_id_fields = ["item", "reported_by"]


@admin.register(Evidence)
class EvidenceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "update", "size"]
    raw_id_fields = ["update"]
