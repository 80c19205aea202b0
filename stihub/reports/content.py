"""What a review report (báo cáo sơ kết, tổng kết) says, gathered from the database once and
kept as plain values, so that every format (.docx, PDF, .xlsx) writes the same report. The
charts are the SVG of each target's web page (`reports.charts`), which documents rasterise.

Numbers and dates are given as Vietnamese text where a document shows them (1.234,5;
dd/mm/yyyy) and as numbers where a spreadsheet needs them. A period with missing data still
gives a whole report: the targets and agencies without data are listed by name, never skipped.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils import timezone, translation

from stihub.core.formatting import for_target, num, vietnamese_sort_key
from stihub.monitoring.choices import Status
from stihub.monitoring.models import Observation, Resolution
from stihub.monitoring.progress import evaluate_targets
from stihub.programme.choices import Status as ItemStatus
from stihub.programme.models import ActionItem

from ..reporting.owed import owed
from .charts import target_svg

LANGUAGE = "vi"  # a report is an official document in Vietnamese, whoever asks for it
PROGRAMME_COLUMNS = (
    ItemStatus.DONE,
    ItemStatus.IN_PROGRESS,
    ItemStatus.OVERDUE,
    ItemStatus.NOT_STARTED,
    ItemStatus.CANCELLED,
)


@dataclass(frozen=True)
class TargetRow:
    """A row of the summary table: one target of the resolution."""

    code: str
    title: str
    indicator: str
    unit: str
    baseline: str  # "36,50 (2023)" or "–"
    latest: str  # the latest approved value as people read it, or "–"
    latest_year: str
    target: str  # "hạng 20 (2030)"
    status: str  # the status in words
    projected: str  # the value projected at the target year, or "–"
    has_data: bool
    # The same as numbers, for spreadsheets (None where there is none).
    baseline_value: float | None = None
    latest_value: float | None = None
    target_value: float | None = None
    projected_value: float | None = None


@dataclass(frozen=True)
class ChartRow:
    """The chart of a target with data: the SVG its web page draws (`reports.charts`)."""

    code: str
    title: str
    unit: str
    svg: str


@dataclass(frozen=True)
class ProgrammeRow:
    """Action items of one task group led by one agency, counted by status."""

    group: str
    agency: str
    counts: tuple[int, ...]  # in PROGRAMME_COLUMNS order
    total: int


@dataclass(frozen=True)
class AnnexRow:
    """One approved headline value the report rests on, with its source."""

    target: str
    indicator: str
    year: int
    period: str
    value: float
    value_text: str
    unit: str
    source: str
    agency: str
    sample: bool


@dataclass
class ReportContent:
    resolution_code: str
    resolution_title: str
    issuer: str
    year: int  # the period reviewed: the year, as of its end
    made_on: dt.date
    place: str = "Nghệ An"
    targets: list[TargetRow] = field(default_factory=list)
    charts: list[ChartRow] = field(default_factory=list)  # targets with data only
    programme: list[ProgrammeRow] = field(default_factory=list)
    programme_columns: list[str] = field(default_factory=list)
    programme_totals: tuple[int, ...] = ()
    agencies_not_reported: list[str] = field(default_factory=list)
    annex: list[AnnexRow] = field(default_factory=list)
    data_version: str = ""  # which data the report was made from (`core.cache.data_version`)

    @property
    def targets_without_data(self) -> list[str]:
        return [f"{t.code}. {t.title}" for t in self.targets if not t.has_data]

    @property
    def date_text(self) -> str:
        """The place and date line of an administrative document (NĐ 30/2020/NĐ-CP)."""
        d = self.made_on
        return f"{self.place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"

    @property
    def status_counts(self) -> list[tuple[str, int]]:
        counts = Counter(t.status for t in self.targets)
        return [(str(s.label), counts[str(s.label)]) for s in Status if counts[str(s.label)]]


def build(resolution: Resolution, year: int, made_on: dt.date | None = None) -> ReportContent:
    """Everything the report on `resolution` for the end of `year` says."""
    from stihub.core.cache import data_version

    made_on = made_on or timezone.localdate()
    with translation.override(LANGUAGE):
        content = ReportContent(
            resolution_code=resolution.code,
            resolution_title=resolution.title,
            issuer=resolution.issuer,
            year=year,
            made_on=made_on,
            data_version=data_version(),
        )
        targets = list(resolution.targets.select_related("indicator", "agency"))
        progresses = evaluate_targets(targets, as_of=year)
        content.targets = [_target_row(p) for p in progresses]
        content.charts = [
            ChartRow(p.target.code, p.target.title, p.target.unit, target_svg(p))
            for p in progresses
            if p.points
        ]
        content.annex = _annex(targets, year)
        _programme(content, resolution, dt.date(year, 12, 31))
        content.agencies_not_reported = _not_reported(resolution, year)
    return content


def _value(value, target) -> str:
    return "–" if value is None else for_target(value, target)


def _target_row(p) -> TargetRow:
    t, pr = p.target, p.progress
    baseline = "–"
    if pr.baseline_value is not None:
        baseline = f"{_value(pr.baseline_value, t)} ({pr.baseline_year})"
    return TargetRow(
        code=t.code,
        title=t.title,
        indicator=t.indicator.code,
        unit=t.unit,
        baseline=baseline,
        latest=_value(pr.latest_value, t),
        latest_year=str(pr.latest_year or "–"),
        target=f"{p.target_text} ({t.target_year})",
        status=str(p.status.label),
        projected=_value(pr.projected, t),
        has_data=bool(p.points),
        baseline_value=pr.baseline_value,
        latest_value=pr.latest_value,
        target_value=pr.target_value,
        projected_value=pr.projected,
    )


def _annex(targets, year: int) -> list[AnnexRow]:
    by_indicator = defaultdict(list)
    for t in targets:
        by_indicator[t.indicator_id].append(t)
    rows = []
    published = (
        Observation.objects.published()
        .filter(indicator_id__in=by_indicator, area="", year__lte=year)
        .select_related("indicator", "agency")
        .order_by("indicator__code", "year", "period")
    )
    for obs in published:
        for t in by_indicator[obs.indicator_id]:
            rows.append(
                AnnexRow(
                    target=t.code,
                    indicator=obs.indicator.code,
                    year=obs.year,
                    period=obs.get_period_display() if obs.period else "",
                    value=obs.value,
                    value_text=num(obs.value),
                    unit=t.unit,
                    source=obs.source,
                    agency=str(obs.agency or ""),
                    sample=obs.is_sample,
                )
            )
    return sorted(rows, key=lambda r: (r.target, r.year, r.period))


def _programme(content: ReportContent, resolution: Resolution, as_of: dt.date) -> None:
    items = (
        ActionItem.objects.filter(solution_group__resolution=resolution)
        .with_current_status(as_of)
        .select_related("solution_group", "lead_agency")
    )
    counts: dict[tuple, Counter] = defaultdict(Counter)
    for item in items:
        group = item.solution_group
        key = (group.order, f"{group.code}. {group.title}", str(item.lead_agency))
        counts[key][item.current] += 1
    content.programme_columns = [str(s.label) for s in PROGRAMME_COLUMNS]
    rows = []
    for (_order, group, agency), c in sorted(counts.items()):
        values = tuple(c[s.value] for s in PROGRAMME_COLUMNS)
        rows.append(ProgrammeRow(group, agency, values, sum(values)))
    content.programme = rows
    content.programme_totals = tuple(sum(r.counts[i] for r in rows) for i in range(5))


def _not_reported(resolution: Resolution, year: int) -> list[str]:
    """The responsible agencies of the resolution's indicators without an approved real value
    for the year (its yearly period), by name in Vietnamese order."""
    indicators = set(resolution.targets.values_list("indicator_id", flat=True))
    missing = {
        str(o.indicator.agency)
        for o in owed(today=dt.date(year + 1, 12, 31))
        if o.year == year and o.period == "" and o.indicator.pk in indicators
    }
    return sorted(missing, key=vietnamese_sort_key)
