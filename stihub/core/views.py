from django.apps import apps
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from stihub.core.models import AuditedModel

from .permissions import require

HISTORY_PAGE = 100


def _display(field, value):
    """A stored value as a person reads it: choice labels and related objects, not codes and ids."""
    if value is None or value == "":
        return None
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.is_relation:
        return field.related_model._default_manager.filter(pk=value).first() or value
    return value


def _diff(record):
    """[(field label, before, after)]: every filled field for a creation, else what changed."""
    fields = {
        f.name: f
        for f in record.instance_type._meta.concrete_fields
        if f.name not in {"id", "created_at", "updated_at"}
    }
    previous = record.prev_record
    if previous is None:
        pairs = [(f, None, getattr(record, f.attname)) for f in fields.values()]
    else:
        changes = record.diff_against(previous).changes
        pairs = [(fields[c.field], c.old, c.new) for c in changes if c.field in fields]
    return [
        (f.verbose_name, _display(f, old), _display(f, new))
        for f, old, new in pairs
        if not (previous is None and _display(f, new) is None)
    ]


@require("core.view_history")
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
