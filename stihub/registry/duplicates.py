"""Likely duplicates in the registries (trùng lặp): found on manual entry (`likely_duplicates`,
one record) and on import (`flag`, every new record at once, recorded as DuplicateCandidate
rows for DOST to merge or dismiss).

Identifiers are unique, so a record with the same tax code, ORCID, organization code or
application number as another is the other (the form says so; an import updates it). Otherwise
two records are likely the same when their names fold to the same words (organizations,
enterprises; industrial property: same title and applicant) or, for people, when their names
are similar (equal folded, or one or two letters apart: a typo, a missing mark) and they share
the year of birth or the organization.
"""

from collections import defaultdict

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from stihub.engines.text import fold

from .models import DuplicateCandidate, Expert

SAME_TAX_CODE = gettext_noop("Same tax code")
SAME_ORCID = gettext_noop("Same ORCID iD")
SAME_CODE = gettext_noop("Same organization code")
SAME_APPLICATION = gettext_noop("Same application number")
SAME_NAME = gettext_noop("Same name")
SAME_TITLE = gettext_noop("Same title and applicant")
SIMILAR_YEAR = gettext_noop("Similar name, same year of birth")
SIMILAR_ORG = gettext_noop("Similar name, same organization")
BATCH = 500
MAX_PER_RECORD = 5  # a common name must not flood the list: the first few are enough to check


def similar(a: str, b: str) -> bool:
    """Folded names equal, or at most one edit apart (two for names of 12 letters or more)."""
    a, b = fold(a), fold(b)
    if a == b:
        return True
    limit = 2 if min(len(a), len(b)) >= 12 else 1
    return abs(len(a) - len(b)) <= limit and _distance(a, b, limit) <= limit


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, stopping once every path exceeds `limit`."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _key(name) -> str:
    return f" {fold(name)} "


def likely_duplicates(registry: str, instance) -> list[tuple[object, str]]:
    """[(an existing record, the reason in words)] that `instance` (saved or not) may repeat."""
    from .registries import REGISTRIES

    others = REGISTRIES[registry].model.objects.all()
    if instance.pk:
        others = others.exclude(pk=instance.pk)
    checks = []
    if registry == "enterprises":
        checks = [(Q(tax_code=instance.tax_code), SAME_TAX_CODE), (_named(instance), SAME_NAME)]
    elif registry == "organizations":
        checks = [(Q(code=instance.code), SAME_CODE), (_named(instance), SAME_NAME)]
    elif registry == "ip":
        checks = [
            (Q(application_no=instance.application_no), SAME_APPLICATION),
            (
                Q(search_name=_key(instance.title), applicant_name=instance.applicant_name),
                SAME_TITLE,
            ),
        ]
    elif registry == "infrastructure":
        owner = Q(organization_id=instance.organization_id, enterprise_id=instance.enterprise_id)
        checks = [(_named(instance) & owner, SAME_NAME)]
    found, seen = [], set()
    for query, reason in checks:
        for obj in others.filter(query)[:MAX_PER_RECORD]:
            if obj.pk not in seen:
                seen.add(obj.pk)
                found.append((obj, gettext(reason)))
    if registry == "experts":
        if instance.orcid:
            found += [(o, gettext(SAME_ORCID)) for o in others.filter(orcid=instance.orcid)]
        seen = {o.pk for o, _r in found}
        people = _similar_people([instance], others.filter(erased_at__isnull=True))
        for _person, obj, reason in people:
            if obj.pk not in seen:
                seen.add(obj.pk)
                found.append((obj, gettext(reason)))
    return found


def _named(instance) -> Q:
    return Q(search_name=_key(instance.name))


def _similar_people(people, others):
    """(other, reason) pairs for each of `people`: similar names with the same year of birth or
    organization; one query per batch of years and organizations."""
    years = {p.birth_year for p in people if p.birth_year}
    orgs = {p.organization_id for p in people if p.organization_id}
    if not years and not orgs:
        return
    by_year, by_org = defaultdict(list), defaultdict(list)
    candidates = others.filter(Q(birth_year__in=years) | Q(organization_id__in=orgs)).only(
        "pk", "full_name", "birth_year", "organization_id"
    )
    for other in candidates.iterator(chunk_size=2000):
        by_year[other.birth_year].append(other)
        by_org[other.organization_id].append(other)
    for person in people:
        found = 0
        groups = []  # an unknown year or organization is nothing in common
        if person.birth_year:
            groups.append((by_year.get(person.birth_year, []), SIMILAR_YEAR))
        if person.organization_id:
            groups.append((by_org.get(person.organization_id, []), SIMILAR_ORG))
        for group, reason in groups:
            for other in group:
                if found >= MAX_PER_RECORD:
                    break
                if other.pk != person.pk and similar(person.full_name, other.full_name):
                    found += 1
                    yield person, other, reason


def flag(registry: str, records) -> list[tuple[object, object, str]]:
    """Record the likely duplicates of newly imported `records` (saved) among all the records
    of the registry, the other new ones included; [(new record, other record, reason)]."""
    from .registries import REGISTRIES

    model = REGISTRIES[registry].model
    pairs = []
    if registry == "experts":
        pairs = _similar_people(records, Expert.objects.filter(erased_at__isnull=True))
    elif registry in ("enterprises", "organizations", "ip"):
        pairs = _same_names(model, registry, records)
    found, rows, seen = [], [], set()
    with translation.override(settings.LANGUAGE_CODE):  # stored in the product's language
        for record, other, reason in pairs:
            first, second = sorted((record.pk, other.pk))
            if (first, second) not in seen:
                seen.add((first, second))
                found.append((record, other, reason))
                rows.append(
                    DuplicateCandidate(
                        registry=registry,
                        first_id=first,
                        second_id=second,
                        reason=gettext(reason)[:200],
                    )
                )
    DuplicateCandidate.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    others = model.objects.in_bulk([o.pk for _r, o, _reason in found])
    return [(r, others.get(o.pk, o), gettext(reason)) for r, o, reason in found]


def _same_names(model, registry, records):
    """Records whose folded name (for industrial property: title and applicant) is the same."""
    groups = defaultdict(list)
    names = {r.search_name for r in records}
    chunks = [list(names)[i : i + BATCH] for i in range(0, len(names), BATCH)]
    fields = ["pk", "search_name"] + (["applicant_name"] if registry == "ip" else [])
    for chunk in chunks:
        for other in model.objects.filter(search_name__in=chunk).only(*fields):
            groups[other.search_name].append(other)
    reason = SAME_TITLE if registry == "ip" else SAME_NAME
    for record in records:
        found = 0
        for other in groups.get(record.search_name, []):
            if found >= MAX_PER_RECORD:
                break
            if other.pk == record.pk:
                continue
            if registry == "ip" and fold(other.applicant_name) != fold(record.applicant_name):
                continue
            found += 1
            yield record, other, reason
