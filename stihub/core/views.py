import json
import os

from django.apps import apps
from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from stihub.core.models import AuditedModel

from .formatting import num
from .permissions import PUBLIC, require

HISTORY_PAGE = 100
LONGEST_VALUE = 200  # characters of a value shown; computed caches can be megabytes of JSON
# Not something a person changed: the record's id, timestamps and search form (registries).
SKIPPED = {
    "id",
    "created_at",
    "updated_at",
    "search_name",
    "search_text",
    "search_exact",
    "sort_key",
}


def _display(field, value):
    """A stored value as a person reads it: labels and names, not codes, ids or bytes."""
    if value is None or value == "":
        return None
    if isinstance(field, models.BinaryField):
        return _("(binary content, not shown)")
    if isinstance(field, models.FileField):
        return os.path.basename(str(value))
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.is_relation:
        return field.related_model._default_manager.filter(pk=value).first() or value
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        return num(value, 1 if value.is_integer() else None)
    return truncatechars(str(value), LONGEST_VALUE)


def _diff(record):
    """[(field label, before, after)]: every filled field for a creation, else what changed.

    Only fields the history keeps are shown (a user's password, for one, is not kept)."""
    kept = {f.name for f in record._meta.fields}
    fields = [
        f
        for f in record.instance_type._meta.concrete_fields
        if f.name in kept and f.name not in SKIPPED
    ]
    previous = record.prev_record
    pairs = [
        (f, None if previous is None else getattr(previous, f.attname), getattr(record, f.attname))
        for f in fields
    ]
    if previous is not None:
        pairs = [(f, old, new) for f, old, new in pairs if old != new]
    return [
        (f.verbose_name, _display(f, old), _display(f, new))
        for f, old, new in pairs
        if not (previous is None and _display(f, new) is None)
    ]


def _action(record) -> str:
    return {"+": _("created"), "~": _("changed"), "-": _("deleted")}[record.history_type]


def _audited(model) -> bool:
    return hasattr(model, "history") and (
        issubclass(model, AuditedModel) or model._meta.label == "core.User"
    )


@require("core.view_history")
def history(request, app_label, model_name, pk):
    """Who changed what and when, before → after, for any audited record."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as exc:
        raise Http404 from exc
    if not _audited(model):
        raise Http404
    obj = get_object_or_404(model, pk=pk)
    records = obj.history.select_related("history_user").order_by("-history_date")[:HISTORY_PAGE]
    rows = [(r, _action(r), _diff(r)) for r in records]
    return render(
        request,
        "core/history.html",
        {"object": obj, "rows": rows, "verbose_name": model._meta.verbose_name},
    )


@never_cache
@require(PUBLIC)
def health(request):
    """The process answers: for a load balancer, and the baseline of `make bench` (the cheapest
    page a Django process serves). It does not touch the database."""
    return HttpResponse("ok", content_type="text/plain")


def query_with(params, **changes) -> str:
    """The query string of `params` with `changes` (None removes a parameter)."""
    params = params.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value is not None:
            params[key] = value
    return params.urlencode()
