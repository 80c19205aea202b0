"""Merging two records found to be the same (gộp bản ghi trùng), keeping both histories.

The kept record takes the value chosen for each field; every row pointing at the other record
moves to the kept one (many-to-many fields take the union); the other record's change history
is re-pointed to the kept record, so its history page shows both; then the other record is
deleted without a "deleted" entry, and the kept one gets an entry "merged record #N into it".
"""

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import DuplicateCandidate, Expert, SurveyYear
from .registries import REGISTRIES

# Kept out of the choice: bookkeeping, the search form (recomputed) and what follows consent.
NOT_CHOSEN = {
    "id",
    "created_at",
    "updated_at",
    "search_name",
    "search_text",
    "search_exact",
    "sort_key",
    "public_consent",
    "erased_at",
}


class MergeRefused(Exception):
    """The two records cannot be merged; the message says why."""


def merge_fields(model) -> list:
    """The fields whose value the user chooses, in the model's order."""
    return [f for f in model._meta.concrete_fields if f.name not in NOT_CHOSEN]


def empty(value) -> bool:
    return value is None or value == ""


def display(obj, field) -> str:
    """A field's value as a person reads it."""
    value = getattr(obj, field.name)
    if empty(value):
        return ""
    if field.choices:
        return str(getattr(obj, f"get_{field.name}_display")())
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def older_first(a, b) -> tuple:
    """(older, newer) by creation time, then number."""
    return (a, b) if (a.created_at, a.pk) <= (b.created_at, b.pk) else (b, a)


def default_choices(first, second) -> dict:
    """{field name: "first"|"second"}: the older record's value unless it is empty."""
    older, _newer = older_first(first, second)
    side = {first.pk: "first", second.pk: "second"}
    choices = {}
    for field in merge_fields(type(first)):
        pick = older if not empty(getattr(older, field.attname)) else _newer
        choices[field.name] = side[pick.pk]
    return choices


def records_of(candidate):
    """(first, second) records of a candidate; None for one that no longer exists."""
    model = REGISTRIES[candidate.registry].model
    rows = model.objects.in_bulk([candidate.first_id, candidate.second_id])
    return rows.get(candidate.first_id), rows.get(candidate.second_id)


def _unique_fields(model) -> list:
    return [f for f in model._meta.concrete_fields if f.unique and not f.primary_key]


def _move_related(keep, other) -> None:
    """Every row that points at `other` now points at `keep`; clashes keep `keep`'s row."""
    for rel in type(keep)._meta.related_objects:
        if rel.many_to_many:
            accessor = rel.get_accessor_name()
            getattr(keep, accessor).add(*getattr(other, accessor).all())
            continue
        related, field = rel.related_model, rel.field
        rows = related._base_manager.filter(**{field.name: other})
        if related is SurveyYear:  # one survey row per owner and year: the kept record's wins
            kept_years = SurveyYear.objects.filter(**{field.name: keep}).values("year")
            rows.filter(year__in=kept_years).delete()
        if related._meta.model_name == "ipstatuschange":
            kept = keep.status_changes.values_list("status", "on")
            for status, on in kept:
                rows.filter(status=status, on=on).delete()
        history = getattr(related, "history", None)
        if history is not None:  # audited rows: saved one by one so their history shows it
            for row in rows:
                setattr(row, field.name, keep)
                row._change_reason = _("Merged record #%(id)s into #%(kept)s") % {
                    "id": other.pk,
                    "kept": keep.pk,
                }
                row.save()
            history.model.objects.filter(**{field.attname: other.pk}).update(
                **{field.attname: keep.pk}
            )
        else:
            rows.update(**{field.name: keep})
    for field in type(keep)._meta.many_to_many:
        getattr(keep, field.name).add(*getattr(other, field.name).all())


def _repoint_candidates(registry: str, other_id: int, keep_id: int, done) -> None:
    """Other open candidates of the removed record now name the kept one (or close)."""
    rows = DuplicateCandidate.objects.filter(
        registry=registry, resolution=DuplicateCandidate.Resolution.OPEN
    ).exclude(pk=done.pk)
    for candidate in rows.filter(models.Q(first_id=other_id) | models.Q(second_id=other_id)):
        ids = {candidate.first_id, candidate.second_id} - {other_id} | {keep_id}
        pair = sorted(ids)
        taken = (
            DuplicateCandidate.objects.filter(registry=registry)
            .filter(
                models.Q(first_id=pair[0], second_id=pair[-1])
                | models.Q(first_id=pair[-1], second_id=pair[0])
            )
            .exclude(pk=candidate.pk)
        )
        if len(pair) == 1 or taken.exists():
            candidate.resolution = DuplicateCandidate.Resolution.MERGED
            candidate.resolved_by, candidate.resolved_at = done.resolved_by, done.resolved_at
        else:
            candidate.first_id, candidate.second_id = pair
        candidate.save()


@transaction.atomic
def merge(candidate, *, keep_side: str, choices: dict, user):
    """Merge the candidate's two records into the one on `keep_side` ("first"/"second") with
    the values chosen per field ({name: "first"|"second"}); returns the kept record."""
    candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.resolution != DuplicateCandidate.Resolution.OPEN:
        raise MergeRefused(_("This pair has already been resolved."))
    first, second = records_of(candidate)
    if first is None or second is None or first.pk == second.pk:
        raise MergeRefused(_("One of the two records no longer exists."))
    if isinstance(first, Expert) and (first.erased_at or second.erased_at):
        raise MergeRefused(_("A person whose data was erased cannot be merged."))
    side = {"first": first, "second": second}
    keep, other = (first, second) if keep_side == "first" else (second, first)
    model = type(keep)
    values = {f.attname: getattr(side[choices[f.name]], f.attname) for f in merge_fields(model)}

    # Unique values move from the other record: free them first so nothing collides.
    uniques = {f.attname: None if f.null else f"merged-{other.pk}" for f in _unique_fields(model)}
    model._base_manager.filter(pk=other.pk).update(**uniques)
    if isinstance(keep, Expert):  # one account per person (one-to-one)
        model._base_manager.filter(pk=other.pk).update(user=None)
    _move_related(keep, other)

    History = model.history.model
    History.objects.filter(id=other.pk).update(id=keep.pk)
    other_pk = other.pk
    model._base_manager.filter(pk=other_pk).delete()
    History.objects.filter(id=other_pk, history_type="-").delete()  # no "deleted" entry

    for attname, value in values.items():
        setattr(keep, attname, value)
    if isinstance(keep, Expert):
        from .personal import latest_directory_consent

        keep.public_consent = latest_directory_consent(keep)
    keep._change_reason = _("Merged record #%(id)s into this one") % {"id": other_pk}
    keep.save()

    candidate.resolution = DuplicateCandidate.Resolution.MERGED
    candidate.resolved_by, candidate.resolved_at = user, timezone.now()
    candidate.save()
    _repoint_candidates(candidate.registry, other_pk, keep.pk, candidate)
    return keep
