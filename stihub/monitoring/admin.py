from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Indicator, Observation, Resolution, SolutionGroup, Target


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
    list_display = ["code", "name", "unit"]
    search_fields = ["code", "name"]


@admin.register(Observation)
class ObservationAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "year", "area", "value", "agency", "is_sample"]
    list_filter = ["is_sample", "indicator"]
    search_fields = ["indicator__code", "area"]
    raw_id_fields = ["reported_by"]
