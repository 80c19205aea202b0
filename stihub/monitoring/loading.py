"""Load a resolution file into the database: idempotent, all or nothing."""

import hashlib
from collections import Counter
from pathlib import Path

from django.db import transaction

from stihub.core.models import Agency
from stihub.core.upsert import Change, upsert
from stihub.engines.problems import DataError, Problem, gettext_noop
from stihub.engines.reporting import Rules
from stihub.engines.resolution import ResolutionSpec, load_resolution_file

from .models import Indicator, Resolution, SolutionGroup, Target


def _agencies(spec: ResolutionSpec, counts: Counter) -> dict[str, Agency]:
    for a in spec.agencies:
        _obj, change = upsert(Agency, {"code": a.code}, {"name": a.name, "kind": a.kind})
        counts[f"agencies {change.value}"] += 1
    wanted = {t.agency for t in spec.targets if t.agency}
    for g in spec.solution_groups:
        wanted |= {g.lead_agency, *g.partner_agencies} - {None}
    found = {a.code: a for a in Agency.objects.filter(code__in=wanted)}
    missing = sorted(wanted - found.keys())
    if missing:
        raise DataError(
            [
                Problem(
                    gettext_noop("agency %(code)s is neither declared in the file nor known"),
                    {"code": code},
                )
                for code in missing
            ]
        )
    return found


def _target_values(t, order: int, agencies: dict, indicator: Indicator) -> dict:
    return {
        "order": order,
        "title": t.title,
        "indicator": indicator,
        "unit": t.unit or "",
        "direction": t.direction,
        "kind": t.kind,
        "method": t.method,
        "baseline_year": t.baseline_year,
        "baseline_value": t.baseline_value,
        "target_year": t.target_year,
        "target_value": t.target_value,
        "target_upper": t.upper,
        "factor": t.factor,
        "count_from": t.count_from,
        "scale": list(t.scale or []),
        "agency": agencies.get(t.agency),
        "source": t.source or "",
        "notes": t.notes or "",
    }


def reporting_values(rules: Rules) -> dict:
    """An indicator's reporting fields from a resolution file's declaration."""
    return {
        "frequency": rules.frequency,
        "due_days": rules.due_days,
        "breakdown": rules.breakdown,
        "headline": rules.headline,
        "sectors": list(rules.sectors),
        "value_min": rules.minimum,
        "value_max": rules.maximum,
        "integer": rules.integer,
        "jump_tolerance": rules.jump_tolerance,
    }


def load_resolution(path: str | Path) -> tuple[Resolution, Counter]:
    """Create or update a resolution from its YAML file (see `load_resolution_spec`)."""
    spec = load_resolution_file(path)
    return load_resolution_spec(spec, hashlib.sha256(Path(path).read_bytes()).hexdigest())


@transaction.atomic
def load_resolution_spec(spec: ResolutionSpec, checksum: str = "") -> tuple[Resolution, Counter]:
    """Create or update a resolution, its agencies, indicators, targets and solution groups.

    Loading the same file twice changes nothing; a changed file updates what changed and
    removes the targets and solution groups the file no longer has (their history remains).
    """
    counts: Counter = Counter()
    agencies = _agencies(spec, counts)
    resolution, change = upsert(
        Resolution,
        {"code": spec.code},
        {
            "title": spec.title,
            "issuer": spec.issuer or "",
            "issued": spec.issued,
            "period_start": spec.period_start,
            "period_end": spec.period_end,
            "source_sha256": checksum,
        },
    )
    counts[f"resolution {change.value}"] += 1
    for order, t in enumerate(spec.targets, start=1):
        indicator = Indicator.objects.filter(code=t.indicator).first()
        if indicator is None:
            indicator = Indicator.objects.create(
                code=t.indicator, name=t.title, unit=t.unit or "", agency=agencies.get(t.agency)
            )
        if t.reporting is not None:  # the file declares it: the file wins for these settings
            _obj, change = upsert(Indicator, {"pk": indicator.pk}, reporting_values(t.reporting))
            counts[f"indicators {change.value}"] += 1
            indicator.refresh_from_db()
        _obj, change = upsert(
            Target,
            {"resolution": resolution, "code": t.code},
            _target_values(t, order, agencies, indicator),
        )
        counts[f"targets {change.value}"] += 1
    for order, g in enumerate(spec.solution_groups, start=1):
        group, change = upsert(
            SolutionGroup,
            {"resolution": resolution, "code": g.code},
            {
                "order": order,
                "title": g.title,
                "summary": g.summary or "",
                "lead_agency": agencies.get(g.lead_agency),
            },
        )
        partners = [agencies[c] for c in g.partner_agencies]
        if set(group.partner_agencies.all()) != set(partners):
            group.partner_agencies.set(partners)
            if change is Change.UNCHANGED:
                change = Change.UPDATED
        counts[f"solution groups {change.value}"] += 1
    for model, codes, label in (
        (Target, [t.code for t in spec.targets], "targets removed"),
        (SolutionGroup, [g.code for g in spec.solution_groups], "solution groups removed"),
    ):
        for obj in model.objects.filter(resolution=resolution).exclude(code__in=codes):
            obj.delete()
            counts[label] += 1
    return resolution, counts
