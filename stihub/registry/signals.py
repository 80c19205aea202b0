"""Registry writes that change the registry-fed series queue their recomputation: a saved or
deleted enterprise, industrial property object or survey year (bulk writes send no signals:
their writers call `series.registry_changed()` themselves)."""

from django.db.models.signals import post_delete, post_save

from .models import Enterprise, IPObject, SurveyYear
from .series import registry_changed

FEEDING = (Enterprise, IPObject, SurveyYear)


def _changed(sender, raw=False, **kwargs) -> None:
    """A record the series count was written (not a fixture or backup being loaded as is)."""
    if not raw:
        registry_changed()


def connect() -> None:
    """Connect the signals (from the app's `ready()`); the uid makes a second call harmless."""
    for model in FEEDING:
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(_changed, sender=model, dispatch_uid=f"series_{name}_{model.__name__}")
