"""A person's requests about their data (Nghị định 13/2023/NĐ-CP): consent, export, erasure.

Consent decides whether a person is shown in the public directory (`Expert.public_consent`
follows their latest directory consent). The export gives everything held about the person,
the access log about them included. The erasure removes what identifies them from the record
AND from the change history, yet keeps the anonymised row (gender, degree, title, fields,
location, organization) so counts by degree, field and location do not change.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import Access, ConsentPurpose
from .models import (
    Affiliation,
    Consent,
    DuplicateCandidate,
    Expert,
    IPObject,
    PersonalDataAccess,
)
from .privacy import log_access

# What an erasure blanks: the person's identity, contacts, and free texts that could name them.
ERASED = {
    "full_name": "",
    "email": "",
    "phone": "",
    "birth_year": None,
    "hometown": "",
    "orcid": None,
    "keywords": "",
    "publications": "",
    "projects": "",
    "position": "",
    "organization_name": "",
    "user": None,
    "public_consent": False,
}
SEARCH_FIELDS = ("search_name", "search_text", "search_exact", "sort_key")


def latest_directory_consent(expert) -> bool:
    """Whether the person's latest recorded directory consent is a consent (none: no)."""
    latest = (
        Consent.objects.filter(expert=expert, purpose=ConsentPurpose.DIRECTORY)
        .order_by("-recorded_at", "-pk")
        .first()
    )
    return bool(latest and latest.given)


@transaction.atomic
def record_consent(expert, *, user, given: bool, evidence: str, purpose=ConsentPurpose.DIRECTORY):
    """Record a consent or its withdrawal and make the public directory follow it."""
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    consent = Consent.objects.create(
        expert=expert, purpose=purpose, given=given, evidence=evidence, recorded_by=user
    )
    shown = latest_directory_consent(expert)
    if shown != expert.public_consent:
        expert.public_consent = shown
        expert._change_reason = _("Consent given") if given else _("Consent withdrawn")
        expert.save(update_fields=["public_consent"])
    return consent


def _value(value):
    """A field value as JSON can carry it."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _fields_of(obj, skip=("search_name", "search_text", "search_exact", "sort_key")) -> dict:
    return {
        f.attname: _value(getattr(obj, f.attname))
        for f in obj._meta.concrete_fields
        if f.name not in skip
    }


def person_data(expert, *, user, path: str = "") -> dict:
    """Everything held about the person, for their request; the export itself is logged."""
    log_access(user, [expert], via=Access.EXPORT, path=path)
    return {
        "person": _fields_of(expert),
        "fields_of_science": [{"code": f.code, "name": f.name} for f in expert.fields.all()],
        "organization": expert.organization.name if expert.organization else None,
        "affiliations": [
            {**_fields_of(a), "organization": str(a.organization) if a.organization else None}
            for a in expert.affiliations.select_related("organization")
        ],
        "consents": [
            {
                "purpose": c.purpose,
                "given": c.given,
                "recorded_at": _value(c.recorded_at),
                "recorded_by": c.recorded_by.username if c.recorded_by else None,
                "evidence": c.evidence,
            }
            for c in expert.consents.select_related("recorded_by").order_by("recorded_at", "pk")
        ],
        "ip_objects_as_applicant": [_fields_of(ip) for ip in expert.ip_objects.all()],
        "access_log": [
            {
                "at": _value(a.at),
                "user": a.user.username if a.user else None,
                "fields": a.fields,
                "via": a.via,
                "path": a.path,
            }
            for a in PersonalDataAccess.objects.filter(expert_ref=expert.pk)
            .select_related("user")
            .order_by("at", "pk")
        ],
    }


@transaction.atomic
def erase_person(expert, *, user, reason: str) -> None:
    """Erase the person's identifying data from the record and its history, keeping the
    anonymised row; the erasure itself is recorded as a consent withdrawal with the reason."""
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    HistoricalAffiliation = Affiliation.history.model
    affiliation_ids = list(expert.affiliations.values_list("pk", flat=True))
    expert.affiliations.all().delete()
    HistoricalAffiliation.objects.filter(expert_id=expert.pk).delete()
    HistoricalAffiliation.objects.filter(id__in=affiliation_ids).delete()

    for name, value in ERASED.items():
        setattr(expert, name, value)
    expert.erased_at = timezone.now()
    expert._change_reason = _("Personal data erased on request")
    expert.save()
    # The history must not keep what was erased: every version gets the erased values.
    blank = {
        **{f"{k}_id" if k == "user" else k: v for k, v in ERASED.items()},
        **{k: getattr(expert, k) for k in SEARCH_FIELDS},
    }
    Expert.history.model.objects.filter(id=expert.pk).update(**blank)

    _anonymise_applications(expert)
    Consent.objects.create(
        expert=expert,
        purpose=ConsentPurpose.DIRECTORY,
        given=False,
        recorded_by=user,
        evidence=(_("Erased on request: %(reason)s") % {"reason": reason})[:300],
    )
    # A likely duplicate of a person no longer identifiable cannot be judged: close it.
    DuplicateCandidate.objects.filter(
        registry="experts", resolution=DuplicateCandidate.Resolution.OPEN
    ).filter(first_id=expert.pk).update(
        resolution=DuplicateCandidate.Resolution.DISTINCT,
        resolved_by=user,
        resolved_at=timezone.now(),
    )
    DuplicateCandidate.objects.filter(
        registry="experts", resolution=DuplicateCandidate.Resolution.OPEN, second_id=expert.pk
    ).update(
        resolution=DuplicateCandidate.Resolution.DISTINCT,
        resolved_by=user,
        resolved_at=timezone.now(),
    )


def _anonymise_applications(expert) -> None:
    """Industrial property the person applied for stays (it is counted), under the erased
    person's label instead of their name, in the record and in its history."""
    label = str(expert)
    HistoricalIP = IPObject.history.model
    for ip in IPObject.objects.filter(applicant_expert=expert):
        ip.applicant_name = label  # the applicant is the person: their name goes
        ip._change_reason = _("Applicant's personal data erased")
        ip.save()
        HistoricalIP.objects.filter(id=ip.pk).update(
            applicant_name=ip.applicant_name, **{k: getattr(ip, k) for k in SEARCH_FIELDS}
        )
