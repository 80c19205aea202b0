"""S&T tasks API: the public register of tasks and results (read only, the same for every
caller, DOST included). Only tasks the rules make public (`rules.PUBLIC_STEPS`) are listed;
dossiers, councils and reviews are never given. A task is found by its id; its code
(ĐX-2026-001) is in the body."""

from django.db.models import Prefetch
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from stihub.api import CheckedLookup, router
from stihub.core.permissions import PUBLIC
from stihub.monitoring.api import ID_PARAMETER, ID_PATTERN
from stihub.registry.api import ListField

from .choices import RecordKind
from .forms import RegisterFilter
from .models import Task, TaskRecord
from .rules import PUBLIC_STEPS

TAG = "tasks"


class PublicRecordSerializer(serializers.ModelSerializer):
    """A public record of a task: the application of its results (ứng dụng kết quả)."""

    class Meta:
        model = TaskRecord
        fields = ["kind", "on", "text"]


class TaskSerializer(serializers.ModelSerializer):
    fields = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text=_("Codes of fields of science.")
    )
    keywords = ListField()
    step_label = serializers.CharField(source="get_step_display", read_only=True)
    host_organization = serializers.CharField(
        source="host_org.name", read_only=True, allow_null=True, default=None,
        help_text=_("Once the task is selected."),
    )  # fmt: skip
    principal_investigator = serializers.CharField(
        source="lead.full_name", read_only=True, allow_null=True, default=None,
        help_text=_("Once the task is selected."),
    )  # fmt: skip
    budget = serializers.DecimalField(
        max_digits=14, decimal_places=1, read_only=True, allow_null=True, coerce_to_string=False,
        help_text=_("Approved budget, million VND."),
    )  # fmt: skip
    records = PublicRecordSerializer(
        source="public_records", many=True, read_only=True,
        help_text=_("The application of the task's results, as recorded."),
    )  # fmt: skip

    class Meta:
        model = Task
        fields = [
            "id", "code", "kind", "title", "summary", "expected_results", "keywords", "fields",
            "step", "step_label", "call_opens_on", "call_closes_on", "host_organization",
            "principal_investigator", "budget", "decision_no", "decision_on", "starts_on",
            "ends_on", "grade", "results", "registration_no", "registered_on", "published_on",
            "records",
        ]  # fmt: skip
        read_only_fields = fields


class TaskViewSet(CheckedLookup, viewsets.ReadOnlyModelViewSet):
    """The public register: `?q=` (marks optional, each word beginning a word of the code,
    title, summary, keywords or results; most relevant first), `?step=`, `?stage=`, `?kind=`,
    `?field=`, `?year=`; newest first without `q`."""

    permissions = {"list": PUBLIC, "retrieve": PUBLIC}
    serializer_class = TaskSerializer
    filterset_class = RegisterFilter
    lookup_pattern = ID_PATTERN

    def get_queryset(self):
        public = TaskRecord.objects.filter(kind=RecordKind.APPLICATION).order_by("on", "pk")
        return (
            Task.objects.filter(step__in=PUBLIC_STEPS)
            .select_related("host_org", "lead")
            .prefetch_related("fields", Prefetch("records", public, to_attr="public_records"))
            .order_by("-created_at", "-pk")
        )

    def filter_queryset(self, queryset):
        # retrieve: the task among the public ones, whatever the query string says
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)


SEARCH = _(
    "With q, every word typed (marks optional: nuoi cay mo finds nuôi cấy mô) must begin a word"
    " of the task's code, title, summary, keywords or results, and the most relevant come first;"
    " otherwise the newest first."
)
extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        description=format_lazy(
            "{} {}",
            _(
                "The public register of S&T tasks: approved lists and calls, the tasks under way"
                " with their host organization and principal investigator, and their results."
            ),
            SEARCH,
        ),
    ),
    retrieve=extend_schema(
        tags=[TAG], description=_("One task of the public register."), parameters=[ID_PARAMETER]
    ),
)(TaskViewSet)
router.register("tasks", TaskViewSet, basename="task")
