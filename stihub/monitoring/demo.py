"""Sample data for demonstrations and benchmarks: seeded, labelled, never mixed with real data.

Real published figures (PII 2023 and 2024) are loaded as real observations; sample series are
generated only for indicators that have no real data. `scale` adds sample plans, each with its
own indicators and a breakdown by commune, so the database grows linearly with it.
"""

import random
from pathlib import Path

from django.conf import settings
from django.db import transaction

from stihub.core.cache import data_changed
from stihub.core.models import AdministrativeUnit
from stihub.engines.resolution import parse_resolution

from .choices import RevisionStatus
from .importing import import_observations
from .loading import load_resolution, load_resolution_spec
from .models import Indicator, Observation, Resolution, Target

RESOLUTIONS = Path(settings.BASE_DIR) / "resolutions"
NGHE_AN = RESOLUTIONS / "nghe-an-2030.yaml"
PUBLISHED = RESOLUTIONS / "nghe-an-published.csv"
PUBLISHED_SOURCE = "Bộ Khoa học và Công nghệ — Chỉ số đổi mới sáng tạo cấp địa phương (PII)"
FIRST_YEAR, LAST_YEAR = 2020, 2025


def _series(target: Target, rng: random.Random) -> dict[int, float]:
    """A plausible yearly series whose pace ranges from regressing to ahead of target."""
    start = target.count_from or target.baseline_year or FIRST_YEAR
    years = range(min(start, LAST_YEAR), LAST_YEAR + 1)
    pace = rng.uniform(-0.3, 1.4)
    span = target.target_year - years[0]
    if target.kind == "cumulative":
        per_year = (target.target_value or 100) / (span + 1)
        return {
            y: float(round(per_year * pace * rng.uniform(0.7, 1.3)) if pace > 0 else 0)
            for y in years
        }
    if target.kind == "rank":
        first = target.baseline_value or (target.target_value or 10) + rng.randint(5, 20)
        goal = target.target_value or 1
    elif target.kind == "multiple_of_baseline":  # counts: the baseline is whatever 2020 had
        first = rng.uniform(20, 120)
        goal = first * (target.factor or 2)
    else:
        goal = target.target_value if target.target_value is not None else rng.uniform(50, 200)
        first = target.baseline_value or goal * rng.uniform(0.35, 0.8)
    series = {}
    for y in years:
        value = first + (goal - first) * pace * (y - years[0]) / span
        value *= rng.uniform(0.97, 1.03)
        if target.scale:
            value = min(max(round(value), 1), len(target.scale))
        elif target.kind in ("rank", "multiple_of_baseline"):
            value = max(round(value), 1)
        series[y] = round(value, 2)
    return series


def _sample_plan(k: int, rng: random.Random):
    kinds = ["level", "level", "multiple_of_baseline", "cumulative", "rank"]
    targets = []
    for j in range(1, 11):
        kind = kinds[j % len(kinds)]
        target = {"year": 2030, "value": rng.choice([20, 45, 60, 100, 3000])}
        if kind == "multiple_of_baseline":
            target = {"year": 2030, "factor": rng.choice([2, 3])}
        item = {
            "code": f"M{j}",
            "title": f"Chỉ tiêu mẫu {j} của kế hoạch mẫu {k}",
            "indicator": f"SAMPLE_{k}_{j}",
            "unit": "" if kind == "rank" else "%",
            "direction": "decrease" if kind == "rank" else "increase",
            "kind": kind,
            "target": target,
        }
        if kind == "cumulative":
            item["count_from"] = 2021
        targets.append(item)
    return parse_resolution(
        {
            "code": f"SAMPLE-{k:02d}",
            "title": f"Kế hoạch mẫu số {k} (dữ liệu mẫu)",
            "period": {"start": 2021, "end": 2030},
            "targets": targets,
        }
    )


@transaction.atomic
def build_demo(scale: int = 1, seed: int = 2030) -> dict:
    """Load the Nghệ An resolution, the published figures and seeded sample data."""
    rng = random.Random(seed)
    plans = [load_resolution(NGHE_AN)[0]]
    plans += [load_resolution_spec(_sample_plan(k, rng))[0] for k in range(2, scale + 1)]
    Indicator.objects.get_or_create(
        code="PII_SCORE", defaults={"name": "Điểm Chỉ số đổi mới sáng tạo cấp địa phương (PII)"}
    )
    with PUBLISHED.open("rb") as handle:
        import_observations(handle, PUBLISHED.name, source=PUBLISHED_SOURCE)
    Observation.objects.filter(is_sample=True).delete()
    real = set(Observation.objects.filter(is_sample=False).values_list("indicator_id", flat=True))
    communes = list(
        AdministrativeUnit.objects.filter(parent__isnull=False).values_list("name", flat=True)
    )
    rows = []
    for target in Target.objects.filter(resolution__in=plans).select_related("indicator"):
        if target.indicator_id in real:
            continue
        series = _series(target, rng)
        for year, value in series.items():
            rows.append(
                Observation(
                    indicator_id=target.indicator_id,
                    year=year,
                    value=value,
                    is_sample=True,
                    status=RevisionStatus.APPROVED,
                )
            )
            if target.kind == "rank" or target.scale:
                continue
            indicator = target.indicator
            for name in communes:
                share = (
                    value
                    * rng.uniform(0.5, 1.5)
                    / (len(communes) if target.kind == "cumulative" else 1)
                )
                share = min(max(share, indicator.value_min or 0), indicator.value_max or share)
                rows.append(
                    Observation(
                        indicator_id=target.indicator_id,
                        year=year,
                        area=name,
                        value=round(share) if indicator.integer else round(share, 2),
                        is_sample=True,
                        status=RevisionStatus.APPROVED,
                    )
                )
        real.add(target.indicator_id)
    Observation.objects.bulk_create(rows, batch_size=2000)
    return {"sample_observations": len(rows), "resolutions": Resolution.objects.count()}


def load(*, scale: int, seed: int) -> list[str]:
    """Monitoring's part of `stihub demo`."""
    result = build_demo(scale=scale, seed=seed)
    data_changed()  # the sample rows were bulk-written, which sends no signals
    resolutions, count = result["resolutions"], result["sample_observations"]
    return [f"{resolutions} resolutions, {count} sample observations."]
