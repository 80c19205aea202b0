"""Monitoring API: resolutions, targets with their progress (public reads), and observations:
approved values for everyone, reporting by departments' own systems and DOST's review."""

import re
import unicodedata
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from stihub.api import FIELD_ERRORS, CheckedLookup, ErrorSerializer, router
from stihub.core.cache import CachedListMixin
from stihub.core.models import AdministrativeUnit
from stihub.core.permissions import PUBLIC
from stihub.core.rules import reporter_agencies
from stihub.engines import reporting
from stihub.engines.observations import YEAR_MIN

from . import review
from .choices import Breakdown, Channel, RevisionStatus
from .filters import ObservationFilter, TargetFilter
from .models import Indicator, Observation, Resolution, Target
from .progress import evaluate_targets

READ_PUBLIC = {"list": PUBLIC, "retrieve": PUBLIC}
TAG = "monitoring"
ID_PATTERN = "[0-9]+"  # a number beyond a bigint finds nothing (Django): 404
ID_PARAMETER = OpenApiParameter(
    "id", {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}, OpenApiParameter.PATH
)


def read_only_docs(many, one, one_parameters=()):
    """OpenAPI text of a read-only viewset: translated descriptions of the list and of one."""
    return extend_schema_view(
        list=extend_schema(tags=[TAG], description=many),
        retrieve=extend_schema(tags=[TAG], description=one, parameters=list(one_parameters)),
    )


class ResolutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Resolution
        fields = ["code", "title", "issuer", "issued", "period_start", "period_end", "updated_at"]


class YearValueSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    value = serializers.FloatField()


class BaselineSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    value = serializers.FloatField(allow_null=True)  # a baseline year without its value yet
    source = serializers.CharField(
        allow_null=True, help_text=_("resolution, observation (of the baseline year) or earliest")
    )


class ThresholdsSerializer(serializers.Serializer):
    on_track = serializers.FloatField()
    acceleration_needed = serializers.FloatField()
    stagnating = serializers.FloatField()


class ProgressSerializer(serializers.Serializer):
    """The computed progress of a target (the engine's `Progress.to_dict`), described for the
    OpenAPI schema; the explanation is given as sentences in the language asked for."""

    code = serializers.CharField()
    indicator = serializers.CharField()
    kind = serializers.CharField()
    direction = serializers.CharField()
    method = serializers.CharField()
    status = serializers.CharField(
        help_text=_(
            "achieved, on_track, acceleration_needed, stagnating, regressing or insufficient_data"
        )
    )
    as_of = serializers.IntegerField(allow_null=True)
    target_year = serializers.IntegerField()
    target_value = serializers.FloatField(allow_null=True)
    target_upper = serializers.FloatField(allow_null=True)
    factor = serializers.FloatField(allow_null=True)
    latest = YearValueSerializer(allow_null=True)
    baseline = BaselineSerializer(allow_null=True)
    projected = serializers.FloatField(allow_null=True)
    projection = serializers.CharField(allow_null=True)
    ratio = serializers.FloatField(allow_null=True)
    thresholds = ThresholdsSerializer(allow_null=True)
    cagr_observed = serializers.FloatField(allow_null=True)
    cagr_required = serializers.FloatField(allow_null=True)
    rate_basis = serializers.CharField(allow_null=True)
    slope = serializers.FloatField(allow_null=True)
    clipped = serializers.BooleanField()
    count_from = serializers.IntegerField(allow_null=True)
    cumulative_sum = serializers.FloatField(allow_null=True)
    years_counted = serializers.IntegerField(allow_null=True)
    observations = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2),
        help_text=_("[year, value] pairs the computation used"),
    )
    explanation = serializers.ListField(child=serializers.CharField())


class TargetSerializer(serializers.ModelSerializer):
    resolution = serializers.SlugRelatedField(slug_field="code", read_only=True)
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = [
            "resolution", "code", "title", "indicator", "unit", "direction", "kind", "method",
            "baseline_year", "baseline_value", "target_year", "target_value", "target_upper",
            "factor", "count_from", "scale", "agency", "source", "progress",
        ]  # fmt: skip

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, target):
        progress = self.context["progress"][target.pk].progress
        return {**progress.to_dict(), "explanation": [e.message for e in progress.explanation]}


@read_only_docs(
    _("Resolutions and plans with measurable targets (nghị quyết)."),
    _("One resolution by its code."),
)
class ResolutionViewSet(CheckedLookup, viewsets.ReadOnlyModelViewSet):
    permissions = READ_PUBLIC
    queryset = Resolution.objects.all()
    serializer_class = ResolutionSerializer
    lookup_field = "code"


@read_only_docs(
    _(
        "Targets (mục tiêu) with their computed progress: latest value, projection, "
        "status and the computation in words."
    ),
    _("One target with its progress."),
    [ID_PARAMETER],
)
class TargetViewSet(CachedListMixin, CheckedLookup, viewsets.ReadOnlyModelViewSet):
    permissions = READ_PUBLIC
    queryset = Target.objects.select_related("resolution", "indicator", "agency")
    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    lookup_pattern = ID_PATTERN

    def get_serializer(self, *args, **kwargs):
        # Progress is computed for the whole page at once: one query for all the series.
        targets = args[0] if args else []
        targets = [targets] if isinstance(targets, Target) else list(targets)
        kwargs["context"] = {
            **self.get_serializer_context(),
            "progress": {p.target.pk: p for p in evaluate_targets(targets)},
        }
        return super().get_serializer(*args, **kwargs)


# -- observations -----------------------------------------------------------------------------

REPORT = "reporting.report_indicator"  # the indicator's agency's reporters, and DOST
REVIEW = "reporting.review"  # DOST: reads every revision, approves and returns
UNIT_CODE = re.compile(r"[0-9]{1,9}")


def visible_observations(user, observations):
    """The revisions `user` may read: DOST every one; an agency's reporter the approved values
    and their agencies' revisions of any status; everyone else the approved values only."""
    if user.has_perm(REVIEW):
        return observations
    agencies = reporter_agencies(user)
    if agencies:
        return observations.filter(Q(status=RevisionStatus.APPROVED) | Q(agency_id__in=agencies))
    return observations.published()


class ObservationSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Observation
        fields = [
            "id", "indicator", "year", "period", "area", "value", "note", "source", "agency",
            "is_sample", "status", "review_comment",
        ]  # fmt: skip
        read_only_fields = fields


class NumberField(serializers.FloatField):
    """A number; true and false are refused (Python would read them as 1 and 0)."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


class ObservationWriteSerializer(serializers.Serializer):
    """One value reported by another system, checked by the rules the web form and the Excel
    upload use, with the same messages."""

    indicator = serializers.CharField(max_length=60, help_text=_("The indicator's code."))
    year = serializers.IntegerField(
        min_value=YEAR_MIN, help_text=_("The year reported; not a year in the future.")
    )
    period = serializers.ChoiceField(
        [p for p in reporting.ALL_PERIODS if p],
        allow_blank=True,
        default="",
        help_text=_(
            "Empty for the year; H1 (first six months), Q1, Q2 or Q3 where the indicator's "
            "frequency has that period."
        ),
    )
    area = serializers.CharField(
        max_length=120,
        allow_blank=True,
        default="",
        help_text=_(
            "Empty for the headline (the whole province); else, where the indicator is broken "
            "down, the official code or exact name of a commune or ward, or one of its sectors."
        ),
    )
    value = NumberField(help_text=_("The value, in the indicator's unit."))
    note = serializers.CharField(max_length=500, allow_blank=True, default="")
    explanation = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        default="",
        help_text=_(
            "Why the value changes from the previous period by more than the indicator "
            "allows; required in that case."
        ),
    )

    # The indicator, once read, is kept even when another field is refused: the view refuses
    # an indicator of another agency (403) before it lists any other error (400).
    indicator_found: Indicator | None = None

    def validate_indicator(self, code):
        found = Indicator.objects.select_related("agency").filter(code=code).first()
        if found is None:
            raise serializers.ValidationError(
                gettext("Unknown indicator %(code)s.") % {"code": code}
            )
        self.indicator_found = found
        return found

    def validate_year(self, year):
        latest = timezone.localdate().year
        if year > latest:
            raise serializers.ValidationError(
                gettext("The year %(value)s is in the future; the latest year allowed is %(max)s.")
                % {"value": year, "max": latest}
            )
        return year

    def validate(self, data):
        indicator = data["indicator"]
        errors = defaultdict(list)
        for template, params in reporting.check_value(indicator.rules, data["value"]):
            errors["value"].append(gettext(template) % params)
        if data["period"] not in reporting.periods(indicator.frequency):
            errors["period"].append(
                gettext("Indicator %(code)s is not reported for the period %(period)s.")
                % {"code": indicator.code, "period": data["period"]}
            )
        if data["area"]:
            data["area"], problem = _area(indicator, data["area"])
            if problem:
                errors["area"].append(problem)
        if not errors and not data["explanation"]:
            problem = _jump(indicator, data)
            if problem:
                errors["value"].append(problem)
        if errors:
            raise serializers.ValidationError(dict(errors))
        return data


def _area(indicator: Indicator, area: str) -> tuple[str, str | None]:
    """(the area as stored, what is wrong or None): a commune-level unit's name (given by its
    name or official code) or one of the indicator's sectors, as its breakdown declares."""
    text = unicodedata.normalize("NFC", area)
    if indicator.breakdown == Breakdown.SECTOR:
        sectors = {unicodedata.normalize("NFC", s): s for s in indicator.sectors}
        if text in sectors:
            return sectors[text], None
        return area, gettext(
            "Indicator %(code)s has no sector %(area)s; its sectors are: %(sectors)s."
        ) % {"code": indicator.code, "area": area, "sectors": "; ".join(indicator.sectors)}
    if indicator.breakdown != Breakdown.AREA:
        return area, gettext(
            "Indicator %(code)s is not broken down: leave the area empty for its value."
        ) % {"code": indicator.code}
    units = AdministrativeUnit.objects.filter(parent__isnull=False)
    by_code = Q(code=int(text)) if UNIT_CODE.fullmatch(text) else Q()
    unit = units.filter(Q(name=text) | by_code).first()
    if unit is not None:
        return unit.name, None
    example = units.order_by("code").first()
    if example is None:
        return area, gettext(
            "The area %(area)s cannot be checked: no administrative units are loaded."
            " Load them with the command `stihub load_admin_units`, or leave the area"
            " empty for the figure of the whole province."
        ) % {"area": area}
    return area, gettext(
        "Unknown area %(area)s: write the official code or the exact name of an"
        " administrative unit, e.g. %(code)s or %(name)s."
    ) % {"area": area, "code": example.code, "name": example.name}


def _jump(indicator: Indicator, data) -> str | None:
    """What is wrong when the value jumps from the previous period's beyond the tolerance."""
    year, period = reporting.previous_period(indicator.frequency, data["year"], data["period"])
    previous = (
        Observation.objects.published()
        .filter(indicator=indicator, year=year, period=period, area=data["area"])
        .first()
    )
    if reporting.jump(indicator.rules, previous and previous.value, data["value"]) is None:
        return None
    return gettext(
        "The value changes by more than %(tolerance)s %% from the previous period"
        " (%(previous)s): give the reason in the field explanation."
    ) % {"tolerance": f"{indicator.jump_tolerance * 100:g}", "previous": f"{previous.value:g}"}


class ApproveSerializer(serializers.Serializer):
    comment = serializers.CharField(
        max_length=2000, allow_blank=True, default="", help_text=_("The reviewer's comment.")
    )


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(
        max_length=2000, help_text=_("What needs correcting (required).")
    )


# A body that is not JSON at all is refused as a whole: {"detail": ...}.
UNREADABLE = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
REFUSED_INPUT = OpenApiResponse(
    {"anyOf": [FIELD_ERRORS, UNREADABLE]},
    description=_("Refused input: each field, with what is wrong with it."),
)
NOT_IN_REVIEW = OpenApiResponse(
    ErrorSerializer, description=_("The value is not waiting for review (not submitted).")
)
REVIEW_ANSWERS = {200: ObservationSerializer, 400: REFUSED_INPUT, 409: NOT_IN_REVIEW}


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        description=_(
            "Observations (số liệu): values of an indicator for a year and period; an empty "
            "area is the headline. Anonymous callers see the approved values only (the values "
            "in force); an agency's reporters also see their agency's revisions of any status, "
            "and DOST every revision. The status filter narrows what the caller may see: for "
            "the public, nothing but approved values is ever listed."
        ),
    ),
    retrieve=extend_schema(
        tags=[TAG],
        description=_("One observation, if the caller may see it (else 404)."),
        parameters=[ID_PARAMETER],
    ),
    create=extend_schema(
        tags=[TAG],
        request=ObservationWriteSerializer,
        responses={201: ObservationSerializer, 400: REFUSED_INPUT},
        summary=_("Report a value"),
        description=_(
            "Report one value of an indicator your agency is responsible for (DOST: any "
            "indicator). It is checked as the web form checks it and becomes a submitted "
            "revision, waiting for DOST's review; the approved value stays in force until "
            "then. A refused value writes nothing and each refused field is named (400); an "
            "indicator of another agency is refused with 403. Authenticate with the header "
            "Authorization: Token <key> (a signed-in session must also send its CSRF token)."
        ),
    ),
    approve=extend_schema(
        tags=[TAG],
        request=ApproveSerializer,
        responses=REVIEW_ANSWERS,
        parameters=[ID_PARAMETER],
        summary=_("Approve a submitted value"),
        description=_(
            "DOST approves a submitted revision: it becomes the value in force and the value it "
            "replaces is superseded. 409 when the revision is not submitted."
        ),
    ),
    return_=extend_schema(
        tags=[TAG],
        request=ReturnSerializer,
        responses=REVIEW_ANSWERS,
        parameters=[ID_PARAMETER],
        summary=_("Return a submitted value"),
        description=_(
            "DOST returns a submitted revision to its agency with a comment saying what needs "
            "correcting (required: 400 without it). 409 when the revision is not submitted."
        ),
    ),
)
class ObservationViewSet(CheckedLookup, viewsets.ReadOnlyModelViewSet):
    permissions = {**READ_PUBLIC, "create": REPORT, "approve": REVIEW, "return_": REVIEW}
    queryset = Observation.objects.select_related("indicator", "agency")
    serializer_class = ObservationSerializer
    filterset_class = ObservationFilter
    lookup_pattern = ID_PATTERN

    def get_queryset(self):
        # Several revisions share a key: the id orders them, so that pages never overlap.
        observations = visible_observations(self.request.user, super().get_queryset())
        return observations.order_by(*Observation._meta.ordering, "pk")

    def get_serializer_class(self):
        return {
            "create": ObservationWriteSerializer,
            "approve": ApproveSerializer,
            "return_": ReturnSerializer,
        }.get(self.action, ObservationSerializer)

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        valid = serializer.is_valid()
        indicator = serializer.indicator_found
        if indicator is not None and not request.user.has_perm(REPORT, indicator):
            raise exceptions.PermissionDenied(
                gettext(
                    "Your agency is not responsible for indicator %(code)s: only its responsible"
                    " agency reports it."
                )
                % {"code": indicator.code}
            )
        if not valid:
            raise exceptions.ValidationError(serializer.errors)
        data = serializer.validated_data
        reported = review.Reported(
            indicator_id=indicator.pk,
            year=data["year"],
            value=data["value"],
            period=data["period"],
            area=data["area"],
            note=data["note"],
            agency_id=indicator.agency_id,
            explanation=data["explanation"],
        )
        submission, _revisions = review.submit(
            [reported], user=request.user, agency=indicator.agency, channel=Channel.API
        )
        revision = self.queryset.get(submission=submission)
        return Response(ObservationSerializer(revision).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._review(request, review.approve)

    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        return self._review(request, review.return_)

    def _review(self, request, act):
        """Approve or return one revision; 409 (with the reason) when it is not submitted."""
        observation = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            act(observation, reviewer=request.user, comment=serializer.validated_data["comment"])
        except review.ReviewError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return Response(ObservationSerializer(self.queryset.get(pk=observation.pk)).data)


router.register("resolutions", ResolutionViewSet)
router.register("targets", TargetViewSet)
router.register("observations", ObservationViewSet)
