"""Create-or-update that writes only real changes, so reloading the same data adds no history."""

from enum import Enum


class Change(str, Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def upsert(model, lookup: dict, values: dict):
    """Return (object, Change); saves (and so records history) only when a value differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), Change.CREATED
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return obj, Change.UNCHANGED
    for name in changed:
        setattr(obj, name, values[name])
    obj.save()
    return obj, Change.UPDATED
