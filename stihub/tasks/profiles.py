"""Regulation profiles: the bundled one (`profiles/*.yaml`) and the versions DOST adds.

A profile row holds its rules as data; `stihub.engines.regulation` checks and reads them. A task
keeps the version it started under (`Task.profile`); new tasks take the latest version in force.
"""

import datetime as dt
from functools import lru_cache
from pathlib import Path

from django.utils import timezone

from stihub.engines import regulation
from stihub.engines.problems import Problem, gettext_noop

from .models import RegulationProfile

BUNDLED = Path(__file__).resolve().parent / "profiles" / "tt-2014-2023.yaml"
BUNDLED_FROM = dt.date(2023, 12, 15)  # TT 20/2023/TT-BKHCN in force (amends TT 08/2017)
BEFORE_IN_FORCE = gettext_noop(
    "A new version takes effect on or after %(date)s, when the version in force (%(version)s)"
    " did: an earlier date would never apply."
)


def bundled_data() -> dict:
    """The bundled profile's data, checked (`regulation.DataError` if broken)."""
    return regulation.profile_as_data(regulation.load_profile_file(BUNDLED))


@lru_cache(maxsize=64)
def _parsed(pk: int, updated_at) -> regulation.Profile:
    return regulation.parse_profile(RegulationProfile.objects.get(pk=pk).data)


def rules(profile: RegulationProfile) -> regulation.Profile:
    """The profile row's rules, read once per version (a row's rules never change in place)."""
    return _parsed(profile.pk, profile.updated_at)


def rules_of(task) -> regulation.Profile:
    return rules(task.profile)


def current(today: dt.date | None = None) -> RegulationProfile | None:
    """The version new tasks start under: the latest in force today."""
    today = today or timezone.localdate()
    return RegulationProfile.objects.filter(effective_from__lte=today).first()


def add_version(data: dict, effective_from: dt.date, note: str, by) -> RegulationProfile:
    """A new version of the profile `data["code"]` (checked first; DataError if broken)."""
    parsed = regulation.parse_profile(data)
    latest = RegulationProfile.objects.filter(code=parsed.code).order_by("-version").first()
    in_force = current()
    if in_force is not None and effective_from < in_force.effective_from:
        params = {"date": f"{in_force.effective_from:%d/%m/%Y}", "version": str(in_force)}
        raise regulation.DataError([Problem(BEFORE_IN_FORCE, params, column="effective_from")])
    return RegulationProfile.objects.create(
        code=parsed.code,
        version=(latest.version + 1) if latest else 1,
        title=parsed.title,
        data=regulation.profile_as_data(parsed),
        effective_from=effective_from,
        note=note,
        created_by=by,
    )
