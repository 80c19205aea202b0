"""The registries' home and list pages: search as people type, facets with counts, filters and
pages, through the same filter sets as the API (filters.py → search.py).

The list page updates its results while the user types (htmx asks for the `_results.html`
partial after a short pause) and works as a plain GET form without JavaScript. The public sees
only `registries.visible` rows, and no restricted field of anyone; staff see every row, a few
more columns, and the links to enter, import and export records.
"""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from stihub.core.permissions import require
from stihub.core.views import query_with

from .. import search
from ..facets import facets as facets_of
from ..filters import FILTERS
from ..registries import REGISTRIES, registry_of, sees_everything, visible

PAGE_SIZE = 25
PREVIEW = 5  # rows per registry on the home page's search
IMPORTABLE = ("experts", "organizations", "enterprises", "ip")  # the import contract's registries


def _applicant(ip, staff: bool) -> str:
    """The applicant's name, unless it is a person the public may not see."""
    person = ip.applicant_expert
    if person is not None and not staff and not (person.public_consent and not person.erased_at):
        return ""
    return ip.applicant_name


def _recognition(enterprise) -> str:
    labels = []
    if enterprise.st_cert_date and not enterprise.st_cert_revoked_on:
        labels.append(str(_("S&T enterprise")))
    if enterprise.startup_recognised_on:
        labels.append(str(_("Innovative startup")))
    return ", ".join(labels)


def _fields(row) -> str:
    return "; ".join(f"{f.code} {f.name}" for f in row.fields.all())


# Per registry: (header, cell) for everyone, then the columns staff also see.
COLUMNS = {
    "experts": (
        [
            (_("Full name"), lambda e, staff: str(e)),
            (_("Degree"), lambda e, staff: " ".join(
                filter(None, [e.get_academic_title_display(), e.get_degree_display()]))),
            (_("Fields of science"), lambda e, staff: _fields(e)),
            (_("Workplace"), lambda e, staff: str(e.organization or e.organization_name)),
            (_("Lives and works"), lambda e, staff: e.get_location_display()),
        ],
        [(_("In the public directory"), lambda e, staff: _("yes") if e.public_consent else _("no"))],  # noqa: E501
    ),
    "organizations": (
        [
            (_("Name"), lambda o, staff: o.name),
            (_("Kind"), lambda o, staff: o.get_kind_display()),
            (_("Commune / ward"), lambda o, staff: str(o.commune or "")),
            (_("Fields of science"), lambda o, staff: _fields(o)),
        ],
        [(_("Code"), lambda o, staff: o.code), (_("Staff"), lambda o, staff: o.staff_total or "")],
    ),
    "enterprises": (
        [
            (_("Name"), lambda e, staff: e.name),
            (_("Tax code"), lambda e, staff: e.tax_code),
            (_("Industry (VSIC 2018)"), lambda e, staff: e.vsic),
            (_("Commune / ward"), lambda e, staff: str(e.commune or "")),
            (_("Recognition"), lambda e, staff: _recognition(e)),
        ],
        [(_("Size"), lambda e, staff: e.get_size_display())],
    ),
    "ip": (
        [
            (_("Title"), lambda i, staff: i.title),
            (_("Kind"), lambda i, staff: i.get_kind_display()),
            (_("Applicant"), _applicant),
            (_("Filed on"), lambda i, staff: i.filed_on.strftime("%d/%m/%Y")),
            (_("Status"), lambda i, staff: i.get_status_display()),
        ],
        [(_("Application number"), lambda i, staff: i.application_no)],
    ),
    "infrastructure": (
        [
            (_("Name"), lambda i, staff: i.name),
            (_("Kind"), lambda i, staff: i.get_kind_display()),
            (_("Owner"), lambda i, staff: str(i.owner or "")),
            (_("Shared use"), lambda i, staff: i.get_shared_use_display()),
        ],
        [],
    ),
}  # fmt: skip
RELATED = {
    "experts": (("organization",), ("fields",)),
    "organizations": (("commune",), ("fields",)),
    "enterprises": (("commune",), ()),
    "ip": (("applicant_expert",), ()),
    "infrastructure": (("organization", "enterprise"), ()),
}


def _columns(name: str, staff: bool):
    public, more = COLUMNS[name]
    return public + more if staff else public


def _related(name: str, rows):
    related, prefetch = RELATED[name]
    return rows.select_related(*related).prefetch_related(*prefetch)


def _table(name: str, rows, staff: bool):
    """(headers, [(row, cells)]) of a page of rows."""
    columns = _columns(name, staff)
    return [h for h, _cell in columns], [
        (r, [cell(r, staff) for _h, cell in columns]) for r in rows
    ]


def _facets(facets, params):
    """Each facet's values with counts and the link that adds (or, if chosen, removes) it."""
    found = []
    for facet, values in facets:
        chosen = params.get(facet.param)
        found.append(
            (
                facet,
                [
                    {
                        "label": label,
                        "count": count,
                        "chosen": chosen == value,
                        "query": query_with(
                            params, page=None, **{facet.param: None if chosen == value else value}
                        ),
                    }
                    for value, label, count in values
                ],
            )
        )
    return found


def _page(name: str, filterset, number, size: int):
    """A page of results: (its rows in order, the rows to count facets over or None, the page's
    numbers). Beyond `search.CAP` results the count says "more than", the facets are not counted
    and no page past it is offered."""
    query = filterset.query
    total, matched = search.found(filterset.matched, words=query is not None)
    last = max(1, -(-min(total, search.CAP) // size))
    try:
        number = min(max(int(number), 1), last)
    except (TypeError, ValueError):
        number = 1
    ids = search.page(matched, filterset.scanned, query, (number - 1) * size, size, total)
    found = _related(name, matched.model._default_manager.filter(pk__in=ids)).in_bulk()
    return (
        [found[pk] for pk in ids],
        matched if total <= search.CAP else None,
        {
            "count": min(total, search.CAP),
            "more": total > search.CAP,
            "number": number,
            "pages": last,
            "previous": number - 1 if number > 1 else None,
            "next": number + 1 if number < last else None,
        },
    )


@require("registry.view_registry")
def home(request, **kwargs):
    """The registries with the number of rows the user may see; one search box across them."""
    text = request.GET.get("q", "")[: search.MAX_QUERY]
    query = search.parse(text)
    staff = sees_everything(request.user)
    sections = []
    for registry in REGISTRIES.values():
        rows = visible(registry.name, request.user)
        section = {"registry": registry, "count": search.count(rows), "headers": [], "rows": []}
        if query:
            filterset = FILTERS[registry.name]({"q": text}, queryset=rows)
            filterset.is_valid()
            found, _matched, page = _page(registry.name, filterset, 1, PREVIEW)
            section["headers"], section["rows"] = _table(registry.name, found, staff)
            section.update(found=page["count"], more=page["more"])
        else:
            section["more"] = section["count"] > search.CAP
            section["count"] = min(section["count"], search.CAP)
        sections.append(section)
    return render(
        request,
        "registry/home.html",
        {"sections": sections, "q": text, "searched": query, "cap": search.CAP},
    )


@require("registry.view_registry")
def listing(request, registry, **kwargs):
    """A registry's list: search box, facets, filters and pages; the results alone for htmx."""
    registry = registry_of(registry)
    staff = sees_everything(request.user)
    params = request.GET.copy()
    filterset = FILTERS[registry.name](params, queryset=visible(registry.name, request.user))
    context = {
        "registry": registry,
        "filter": filterset,
        "q": params.get("q", ""),
        "staff": staff,
        "importable": registry.name in IMPORTABLE,
        "chosen": [(k, v) for k, v in params.items() if k not in ("q", "page") and v],
        "cap": search.CAP,
    }
    if filterset.is_valid():
        found, matched, page = _page(registry.name, filterset, params.get("page"), PAGE_SIZE)
        headers, rows = _table(registry.name, found, staff)
        facets = facets_of(registry.name, matched, counted=matched is not None)
        context.update(
            page=page,
            headers=headers,
            rows=rows,
            facets=_facets(facets, params),
            searched=filterset.query is not None,
            previous=query_with(params, page=page["previous"]) if page["previous"] else "",
            next=query_with(params, page=page["next"]) if page["next"] else "",
        )
    partial = request.headers.get("HX-Request") == "true"
    template = "registry/_results.html" if partial else "registry/list.html"
    return render(request, template, context, status=200 if filterset.is_valid() else 400)
