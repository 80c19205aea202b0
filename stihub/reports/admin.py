from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import GeneratedReport, ReportTemplate


@admin.register(ReportTemplate)
class ReportTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "uploaded_by", "is_active", "created_at"]
    list_filter = ["kind", "is_active"]
    raw_id_fields = ["uploaded_by"]


@admin.register(GeneratedReport)
class GeneratedReportAdmin(SimpleHistoryAdmin):
    list_display = ["resolution", "year", "format", "created_by", "created_at", "size"]
    list_filter = ["format", "year"]
    raw_id_fields = ["created_by", "job", "uploaded_template"]
