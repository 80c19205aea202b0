from django.apps import apps
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from stihub.core.models import AuditedModel

from .permissions import can_view_history, require

HISTORY_PAGE = 100


def _diff(record):
    previous = record.prev_record
    if previous is None:
        return [(f.verbose_name, None, getattr(record, f.attname)) for f in _fields(record)]
    delta = record.diff_against(previous)
    names = {f.name: f.verbose_name for f in _fields(record)}
    return [(names.get(c.field, c.field), c.old, c.new) for c in delta.changes]


def _fields(record):
    skip = {"id", "created_at", "updated_at"}
    return [f for f in record.instance_type._meta.concrete_fields if f.name not in skip]


@require(can_view_history)
def history(request, app_label, model_name, pk):
    """Who changed what and when, before → after, for any audited record."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as exc:
        raise Http404 from exc
    if not hasattr(model, "history") or not (
        issubclass(model, AuditedModel) or model._meta.label == "core.User"
    ):
        raise Http404
    obj = get_object_or_404(model, pk=pk)
    records = obj.history.select_related("history_user").order_by("-history_date")[:HISTORY_PAGE]
    rows = [(r, _diff(r)) for r in records]
    return render(
        request,
        "core/history.html",
        {"object": obj, "rows": rows, "verbose_name": model._meta.verbose_name},
    )
