from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Indicator, Observation, Resolution, SolutionGroup, Submission, Target


@admin.register(Resolution)
class ResolutionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "period_start", "period_end"]


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["resolution", "code", "title", "kind", "target_value", "agency"]
    list_filter = ["resolution", "kind"]


@admin.register(SolutionGroup)
class SolutionGroupAdmin(SimpleHistoryAdmin):
    list_display = ["resolution", "code", "title", "lead_agency"]
    list_filter = ["resolution"]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "unit", "agency", "frequency", "due_days", "breakdown"]
    list_filter = ["frequency", "breakdown", "agency"]
    search_fields = ["code", "name"]


@admin.register(Observation)
class ObservationAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "year", "period", "area", "value", "status", "agency", "is_sample"]
    list_filter = ["status", "is_sample", "indicator"]
    search_fields = ["indicator__code", "area"]
    raw_id_fields = ["reported_by", "reviewed_by", "submission"]


@admin.register(Submission)
class SubmissionAdmin(SimpleHistoryAdmin):
    list_display = ["pk", "channel", "agency", "created_by", "created_at", "is_committed"]
    list_filter = ["channel", "is_committed"]
    raw_id_fields = ["created_by"]
