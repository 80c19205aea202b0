"""The writing half of a registry import (`importing`): the checked records in bulk, with their
history, then their fields of science, consents, survey years and status steps, one query per
batch; and the count of what changed. Called inside the import's transaction."""

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from . import duplicates
from .choices import ConsentPurpose, IPStatus
from .models import Consent, IPStatusChange, SurveyYear

BATCH = 500

STATUS_DATES = {
    IPStatus.FILED: "filed_on",
    IPStatus.ACCEPTED: "accepted_on",
    IPStatus.PUBLISHED: "published_on",
    IPStatus.GRANTED: "granted_on",
    IPStatus.REFUSED: "refused_on",
    IPStatus.EXPIRED: "expired_on",
}


def chunks(items, n=BATCH):
    """`items` in lists of `n`, so that no query has more parameters than a database takes."""
    items = list(items)
    for i in range(0, len(items), n):
        yield items[i : i + n]


SEARCH_FIELDS = {"search_name", "search_text", "search_exact", "sort_key", "updated_at"}


def write(plan, user, filename, result) -> None:
    """Write a checked plan (`importing._Plan`) and count into `result`."""
    now = timezone.now()
    for obj in plan.new + plan.changed:
        obj.refresh_search()  # bulk writes do not call save()
    for obj in plan.changed:
        obj.updated_at = now  # auto_now is not applied by bulk_update
    if plan.new:
        bulk_create_with_history(plan.new, plan.model, batch_size=BATCH, default_user=user)
    if plan.changed:
        fields = sorted(plan.fields | SEARCH_FIELDS)
        bulk_update_with_history(
            plan.changed, plan.model, fields, batch_size=BATCH, default_user=user
        )
    _write_fields(plan)
    if plan.kind == "experts":
        _write_consents(plan, user, filename)
    elif plan.kind in ("enterprises", "organizations"):
        _write_surveys(plan, user)
    elif plan.kind == "ip":
        _write_steps(plan)
    new = set(map(id, plan.new))
    updated = {id(o) for o in plan.changed} | (set(plan.touched) - new)
    result.counts["created"] = len(plan.new)
    result.counts["updated"] = len(updated)
    result.counts["unchanged"] = len(plan.after) - len(plan.new) - len(updated)
    result.duplicates = duplicates.flag(plan.kind, plan.new)


def _write_fields(plan) -> None:
    """The fields of science of the rows that have the column, set in bulk."""
    if not plan.m2m:
        return
    through = plan.model.fields.through
    owner = f"{plan.model._meta.model_name}_id"
    current: dict = {}
    new = set(map(id, plan.new))
    old = [o.pk for o, _wanted in plan.m2m if id(o) not in new]
    for chunk in chunks(old):
        links = through.objects.filter(**{f"{owner}__in": chunk})
        for pk, field_pk in links.values_list(owner, "fieldofscience_id"):
            current.setdefault(pk, set()).add(field_pk)
    stale, links = [], []
    for obj, wanted in plan.m2m:
        have = current.get(obj.pk, set())
        if set(wanted) == have:
            continue
        if have:
            stale.append(obj.pk)
        plan.touched[id(obj)] = obj
        links += [through(**{owner: obj.pk, "fieldofscience_id": f}) for f in wanted]
    for chunk in chunks(stale):
        through.objects.filter(**{f"{owner}__in": chunk}).delete()
    through.objects.bulk_create(links, batch_size=BATCH)


def _write_consents(plan, user, filename) -> None:
    """A recorded consent (or withdrawal) for each person whose consent the file changes."""
    records = {id(row): obj for obj, row in plan.after}
    Consent.objects.bulk_create(
        [
            Consent(
                expert=records[id(row)],
                purpose=ConsentPurpose.DIRECTORY,
                given=given,
                recorded_by=user if getattr(user, "is_authenticated", False) else None,
                evidence=f"import {filename}"[:300],
            )
            for row, given in plan.consents
        ],
        batch_size=BATCH,
    )


def _write_surveys(plan, user) -> None:
    """Innovation and R&D figures of a survey year, upserted by owner and year."""
    owner = "enterprise" if plan.kind == "enterprises" else "organization"
    year_key = "survey_year" if plan.kind == "enterprises" else "year"
    wanted = {}
    for obj, row in plan.after:
        if row.values.get(year_key):
            figures = {k: row.values[k] for k in ("innovation", "rd", "rd_fte") if k in row.values}
            wanted[(obj.pk, row.values[year_key])] = (obj, figures)
    if not wanted:
        return
    existing = {}
    for chunk in chunks({pk for pk, _year in wanted}):
        for survey in SurveyYear.objects.filter(**{f"{owner}_id__in": chunk}):
            existing[(getattr(survey, f"{owner}_id"), survey.year)] = survey
    new, changed, fields = [], [], {"updated_at"}
    for (pk, year), (obj, figures) in wanted.items():
        survey = existing.get((pk, year))
        if survey is None:
            new.append(SurveyYear(year=year, **{f"{owner}_id": pk}, **figures))
            plan.touched[id(obj)] = obj
            continue
        differ = [k for k, value in figures.items() if getattr(survey, k) != value]
        if differ:
            for k in differ:
                setattr(survey, k, figures[k])
            survey.updated_at = timezone.now()
            changed.append(survey)
            fields.update(differ)
            plan.touched[id(obj)] = obj
    if new:
        bulk_create_with_history(new, SurveyYear, batch_size=BATCH, default_user=user)
    if changed:
        bulk_update_with_history(
            changed, SurveyYear, sorted(fields), batch_size=BATCH, default_user=user
        )


def _write_steps(plan) -> None:
    """The status history of each application from its dates: filed on `filed_on`, granted
    on `granted_on`...; a step already recorded on that day is not repeated."""
    new = set(map(id, plan.new))
    old = [o.pk for o, _row in plan.after if id(o) not in new]
    have = set()
    for chunk in chunks(old):
        steps = IPStatusChange.objects.filter(ip_id__in=chunk)
        have.update(steps.values_list("ip_id", "status", "on"))
    steps = []
    for obj, row in plan.after:
        for status, key in STATUS_DATES.items():
            on = row.values.get(key)
            if on and (obj.pk, status.value, on) not in have:
                have.add((obj.pk, status.value, on))
                steps.append(IPStatusChange(ip_id=obj.pk, status=status, on=on))
                plan.touched[id(obj)] = obj
    IPStatusChange.objects.bulk_create(steps, batch_size=BATCH)
