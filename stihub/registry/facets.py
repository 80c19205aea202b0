"""The facets beside the registries' search results: for each filter of a list, the number
of matching rows per value (fixed choices counted together in one aggregate query; fields of
science, communes, industries and years grouped by the database). Beyond `search.CAP`
matches, the values are shown without counts."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from stihub.engines.text import vietnamese_sort_key

from .choices import (
    AcademicTitle,
    Degree,
    EnterpriseSize,
    ExpertRole,
    InfrastructureKind,
    IPKind,
    IPStatus,
    Location,
    OrganizationKind,
    SharedUse,
)
from .models import FieldOfScience
from .registries import CERTIFIED, STARTUP
from .search import one_of


@dataclass(frozen=True)
class Facet:
    """A filter shown beside the results with the number of matching rows for each value."""

    param: str  # the filter's query parameter (filters.py)
    label: object
    counter: object  # Options, or (rows) -> [(value, label, count)] in display order, counts > 0


class Options:
    """A facet whose values are fixed conditions (choices, roles, flags): all such facets of a
    registry are counted together in one aggregate query, a single pass over the rows."""

    def __init__(self, options):
        self.options = options  # [(value, label, Q)]


def _choices(field, choices):
    return Options([(code, label, Q(**{field: code})) for code, label in choices])


# Role codes are not substrings of one another, so `contains` on "reviewer;council" is exact.
ROLES = Options([(code, label, Q(roles__contains=code)) for code, label in ExpertRole.choices])


def _fields(level: int):
    """Rows per field of science of level 1 ("2", counting rows filed under any of its
    level-2 fields too) or level 2 ("2.2")."""

    def count(rows):
        fields = {
            pk: (code, parent, name)
            for pk, code, parent, name in FieldOfScience.objects.using(rows.db).values_list(
                "pk", "code", "parent__code", "name"
            )
        }
        found: dict[str, set] = {}
        for row, field in _links(rows):
            code, parent, _name = fields[field]
            if level == 1:
                found.setdefault(parent or code, set()).add(row)
            elif parent:
                found.setdefault(code, set()).add(row)
        names = {code: name for code, _parent, name in fields.values()}
        return sorted(
            ((code, f"{code} {names[code]}", len(held)) for code, held in found.items()),
            key=lambda f: [int(part) for part in f[0].split(".") if part.isdigit()],
        )

    return count


def _links(rows) -> list[tuple[int, int]]:
    """(row id, field id) of each field of science of `rows`, read once for both facets: from
    the link table by the rows' ids, a few index probes per row, where a join from the rows
    would read the whole link table."""
    if getattr(rows, "search_links", None) is None:
        through = rows.model.fields.through
        owner = rows.model._meta.get_field("fields").m2m_field_name()
        ids = getattr(rows, "search_ids", None)
        if ids is None:
            ids = list(rows.order_by().values_list("pk", flat=True))
        column = f'"{through._meta.db_table}"."{owner}_id"'
        links = through.objects.using(rows.db).filter(one_of(column, ids, rows.db))
        rows.search_links = list(links.values_list(f"{owner}_id", "fieldofscience_id"))
    return rows.search_links


def _related(code_field, name_field, by_name=False):
    """Rows per related code (commune, VSIC division), labelled by its name."""

    def count(rows):
        pairs = (
            rows.order_by()
            .filter(**{f"{code_field}__isnull": False})
            .values_list(code_field, name_field)
            .annotate(n=Count("pk"))
        )
        found = [(str(code), name if by_name else f"{code} {name}", n) for code, name, n in pairs]
        key = (lambda f: vietnamese_sort_key(f[1])) if by_name else (lambda f: f[0])
        return sorted(found, key=key)

    return count


def _years(rows):
    pairs = (
        rows.order_by()
        .annotate(year=ExtractYear("filed_on"))
        .values_list("year")
        .annotate(n=Count("pk"))
    )
    return [(str(year), str(year), n) for year, n in sorted(pairs, reverse=True)]


FACETS = {
    "experts": (
        Facet("field", _("Field of science"), _fields(1)),
        Facet("field", _("Field of science (level 2)"), _fields(2)),
        Facet("location", _("Lives and works"), _choices("location", Location.choices)),
        Facet("degree", _("Degree"), _choices("degree", Degree.choices)),
        Facet(
            "academic_title", _("Academic title"), _choices("academic_title", AcademicTitle.choices)
        ),
        Facet("role", _("Role"), ROLES),
    ),
    "organizations": (
        Facet("kind", _("Kind"), _choices("kind", OrganizationKind.choices)),
        Facet("commune", _("Commune / ward"), _related("commune__code", "commune__name", True)),
        Facet("field", _("Field of science"), _fields(1)),
    ),
    "enterprises": (
        Facet("vsic", _("Industry (VSIC 2018)"), _related("industry__code", "industry__name")),
        Facet("commune", _("Commune / ward"), _related("commune__code", "commune__name", True)),
        Facet("size", _("Size"), _choices("size", EnterpriseSize.choices)),
        Facet(
            "status",
            _("Recognition"),
            Options(
                [
                    ("certified", _("S&T enterprise"), CERTIFIED),
                    ("startup", _("Innovative startup"), STARTUP),
                ]
            ),
        ),
    ),
    "ip": (
        Facet("kind", _("Kind"), _choices("kind", IPKind.choices)),
        Facet("status", _("Status"), _choices("status", IPStatus.choices)),
        Facet("year", _("Year filed"), _years),
    ),
    "infrastructure": (
        Facet("kind", _("Kind"), _choices("kind", InfrastructureKind.choices)),
        Facet("shared_use", _("Shared use"), _choices("shared_use", SharedUse.choices)),
        Facet("field", _("Field of science"), _fields(1)),
    ),
}


def facets(registry: str, rows, counted: bool = True) -> list[tuple[Facet, list]]:
    """Each facet of `registry` with its values and the number of `rows` holding each (values
    no row holds are left out). Not `counted` (more than `CAP` rows, where counting is a pass
    over most of the table per facet): the fixed values alone, with None for their counts."""
    if not counted:
        return [
            (facet, [(value, label, None) for value, label, _q in facet.counter.options])
            for facet in FACETS[registry]
            if isinstance(facet.counter, Options)
        ]
    fixed = {
        f"f{i}_{j}": Count("pk", filter=condition)
        for i, facet in enumerate(FACETS[registry])
        if isinstance(facet.counter, Options)
        for j, (_value, _label, condition) in enumerate(facet.counter.options)
    }
    found = rows.order_by().aggregate(**fixed) if fixed else {}
    result = []
    for i, facet in enumerate(FACETS[registry]):
        if isinstance(facet.counter, Options):
            values = [
                (value, label, found[f"f{i}_{j}"])
                for j, (value, label, _q) in enumerate(facet.counter.options)
                if found[f"f{i}_{j}"]
            ]
        else:
            values = facet.counter(rows)
        result.append((facet, values))
    return result
