"""Publish the province's PII rank and score to the resolution as observations.

Only the dataset DOST marked as the official PII of its year may publish, so a sample or a
non-PII workbook never feeds an official status. DOST first sees what will change (`preview`),
then publishes: the figures go through the review workflow as one submission, which DOST
approves at once or leaves for review (`approve`).
"""

from collections import Counter

from django.db import transaction
from django.utils.translation import gettext as _

from stihub.monitoring.choices import Channel
from stihub.monitoring.models import Indicator, Observation
from stihub.monitoring.review import Reported, published_values, submit, unchanged

from .datasets import unit_entry
from .models import IndexDataset

RANK_INDICATOR, SCORE_INDICATOR = "PII_RANK", "PII_SCORE"
INDICATOR_NAMES = {
    RANK_INDICATOR: "Xếp hạng Chỉ số đổi mới sáng tạo cấp địa phương (PII)",
    SCORE_INDICATOR: "Điểm Chỉ số đổi mới sáng tạo cấp địa phương (PII)",
}


class PublishError(ValueError):
    """The dataset cannot be published; the message says why."""


def source_of(dataset: IndexDataset) -> str:
    return f"Chỉ số ĐMST cấp địa phương — bộ dữ liệu {dataset.title}"


def figures(dataset: IndexDataset) -> dict[str, tuple[float, str]]:
    """Indicator code -> (value, note) that publishing writes; PublishError when it may not."""
    if dataset.is_sample:
        raise PublishError(_("Sample data is never published to the resolution."))
    if not dataset.is_official:
        raise PublishError(
            _(
                "This dataset is not marked as the official PII of %(year)s: only the official "
                "dataset is published."
            )
            % {"year": dataset.year}
        )
    unit = dataset.province_unit
    if not unit:
        raise PublishError(_("This dataset does not name our province's unit."))
    entry = unit_entry(dataset, unit)
    top = dataset.results.get("index")
    if entry is None or entry["ranks"].get(top) is None:
        raise PublishError(_("Unit %(unit)s has no index rank in this dataset.") % {"unit": unit})
    count = len(dataset.results["units"])
    return {
        RANK_INDICATOR: (float(entry["ranks"][top]), f"{unit}: hạng trong {count} đơn vị"),
        SCORE_INDICATOR: (round(float(entry["scores"][top]), 2), f"{unit}: điểm chỉ số"),
    }


def _current(code: str, year: int) -> Observation | None:
    return (
        Observation.objects.published()
        .filter(indicator__code=code, year=year, area="", period="")
        .first()
    )


def preview(dataset: IndexDataset) -> list[dict]:
    """What publishing would change: per indicator, the current value (None) and the new one."""
    rows = []
    for code, (value, _note) in figures(dataset).items():
        current = _current(code, dataset.year)
        rows.append(
            {
                "code": code,
                "name": INDICATOR_NAMES[code],
                "current": None if current is None else current.value,
                "new": value,
            }
        )
    return rows


@transaction.atomic
def publish(dataset: IndexDataset, user, approve: bool = True) -> Counter:
    """Submit the province unit's rank and index score for the dataset year, approved at once
    unless `approve` is False; returns the changes (created, updated, unchanged)."""
    counts: Counter = Counter()
    reported = []
    for code, (value, note) in figures(dataset).items():
        indicator, _created = Indicator.objects.get_or_create(
            code=code, defaults={"name": INDICATOR_NAMES[code]}
        )
        reported.append(
            Reported(indicator.pk, dataset.year, value, note=note, source=source_of(dataset))
        )
    current = published_values(r.key for r in reported)
    changed = []
    for r in reported:
        before = current.get(r.key)
        if unchanged(r, before):
            counts["unchanged"] += 1
        else:
            counts["updated" if before else "created"] += 1
            changed.append(r)
    if changed:
        submit(changed, user=user, agency=None, channel=Channel.PUBLISH, approve=approve)
    return counts
