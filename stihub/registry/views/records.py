"""A registry record's page, and DOST's entry and editing of records.

The detail page shows what the user may see: a row outside `registries.visible` is 404 (the
public never learns that a non-consenting person exists); a person's restricted fields appear
only with `registry.view_personal_data`, and every such view is logged. Entry is all or nothing
(one transaction for the record and its parts) and warns of likely duplicates before saving.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from stihub.core.permissions import require

from .. import duplicates
from ..choices import AcademicTitle, Access, Degree, ExpertRole, IPStatus
from ..forms import (
    AffiliationFormSet,
    EnterpriseForm,
    EnterpriseSurveyFormSet,
    ExpertForm,
    InfrastructureForm,
    IPObjectForm,
    OrganizationForm,
    OrganizationSurveyFormSet,
    StatusChangeFormSet,
    kept_steps,
    latest_status,
)
from ..models import DuplicateCandidate, IPStatusChange
from ..privacy import log_access
from ..registries import registry_of, visible

# Title and degree as written before a name: "GS.TSKH.", "PGS.TS.", "ThS."
NAME_PREFIX_DEGREES = (Degree.TSKH, Degree.TS, Degree.THS)


def name_with_title(expert) -> str:
    """ "PGS.TS. Nguyễn Văn A": the academic title and degree the way Vietnamese write them."""
    parts = [expert.academic_title] if expert.academic_title in AcademicTitle.values else []
    if expert.degree in NAME_PREFIX_DEGREES:
        parts.append(expert.degree)
    prefix = "".join(f"{p}." for p in parts)
    return f"{prefix} {expert}".strip() if prefix else str(expert)


def _visible_or_none(registry, user, obj):
    """`obj` if `user` may open its page, else None (it is then named without a link)."""
    if obj is None:
        return None
    return obj if visible(registry, user).filter(pk=obj.pk).exists() else None


def _links(text: str) -> list[tuple[str, bool]]:
    """(line, is a web link) for each line: only http(s) addresses become links."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return [(line, line.lower().startswith(("http://", "https://"))) for line in lines]


def _expert(request, expert):
    user = request.user
    restricted = user.has_perm("registry.view_personal_data")
    if restricted:
        log_access(user, [expert], via=Access.PAGE, path=request.path)
    staff = user.has_perm("registry.manage_registry")
    return {
        "title": name_with_title(expert),
        "restricted": restricted,
        "roles": [ExpertRole(r).label for r in expert.role_list if r in ExpertRole.values],
        "publications": _links(expert.publications),
        "projects": _links(expert.projects),
        "affiliations": expert.affiliations.select_related("organization"),
        "consents": expert.consents.select_related("recorded_by") if staff else None,
        "can_handle_requests": user.has_perm("registry.handle_data_request"),
        "ip_objects": visible("ip", user).filter(applicant_expert=expert),
    }


def _organization(request, org):
    user = request.user
    return {
        "experts": visible("experts", user).filter(organization=org),
        "infrastructure": org.infrastructure.all(),
        "ip_objects": visible("ip", user).filter(applicant_organization=org),
        "survey_years": org.survey_years.all(),
    }


def _enterprise(request, enterprise):
    return {
        "ip_objects": visible("ip", request.user).filter(applicant_enterprise=enterprise),
        "infrastructure": enterprise.infrastructure.all(),
        "survey_years": enterprise.survey_years.all(),
    }


def _ip(request, ip):
    user = request.user
    return {
        "applicant_enterprise": _visible_or_none("enterprises", user, ip.applicant_enterprise),
        "applicant_organization": ip.applicant_organization,
        "applicant_expert": _visible_or_none("experts", user, ip.applicant_expert),
        "steps": ip.status_changes.all(),
        "class_list": [c.strip() for c in ip.classes.split(";") if c.strip()],
    }


def _infrastructure(request, item):
    return {
        "owner_enterprise": _visible_or_none("enterprises", request.user, item.enterprise),
    }


DETAILS = {
    "experts": _expert,
    "organizations": _organization,
    "enterprises": _enterprise,
    "ip": _ip,
    "infrastructure": _infrastructure,
}


@require("registry.view_registry")
def detail(request, registry, pk):
    """One record, as much of it as the user may see."""
    reg = registry_of(registry)
    obj = get_object_or_404(visible(registry, request.user), pk=pk)
    user = request.user
    context = {
        "registry": reg,
        "object": obj,
        "title": str(obj),
        "can_manage": user.has_perm("registry.manage_registry"),
        "can_history": user.has_perm("core.view_history"),
        "model_name": reg.model._meta.model_name,
        "partial": f"registry/detail_{registry}.html",
    }
    context.update(DETAILS[registry](request, obj))
    return render(request, "registry/detail.html", context)


@dataclass(frozen=True)
class Entry:
    """How a registry's records are entered: the form, its parts, the fields that identify."""

    form: type
    parts: dict = field(default_factory=dict)  # prefix → inline formset class
    identifying: tuple = ()


ENTRIES = {
    "experts": Entry(
        ExpertForm,
        {"affiliations": AffiliationFormSet},
        ("full_name", "birth_year", "orcid", "organization", "organization_name"),
    ),
    "organizations": Entry(
        OrganizationForm, {"survey": OrganizationSurveyFormSet}, ("code", "name", "short_name")
    ),
    "enterprises": Entry(EnterpriseForm, {"survey": EnterpriseSurveyFormSet}, ("tax_code", "name")),
    "ip": Entry(
        IPObjectForm, {"steps": StatusChangeFormSet}, ("application_no", "title", "applicant_name")
    ),
    "infrastructure": Entry(InfrastructureForm, {}, ("name", "organization", "enterprise")),
}


@require("registry.manage_registry")
def create(request, registry):
    """DOST enters a new record of a registry."""
    reg = registry_of(registry)
    return _entry(request, reg, reg.model())


@require("registry.manage_registry")
def edit(request, registry, pk):
    """DOST corrects a record; the change history keeps what it was."""
    reg = registry_of(registry)
    obj = get_object_or_404(reg.model, pk=pk)
    if getattr(obj, "erased_at", None):  # re-entering an erased person's data is not editing
        messages.error(request, _("An erased person's record cannot be edited."))
        return redirect("registry:detail", reg.name, obj.pk)
    if reg.name == "experts" and request.method == "GET":
        # The form shows the stored restricted fields: a view like the detail page's.
        log_access(request.user, [obj], via=Access.PAGE, path=request.path)
    return _entry(request, reg, obj)


def _entry(request, reg, instance):
    """The form and its parts; saved when valid and any likely duplicate is confirmed."""
    entry = ENTRIES[reg.name]
    adding = instance._state.adding
    data = request.POST if request.method == "POST" else None
    form = entry.form(data, instance=instance)
    parts = {p: cls(data, instance=instance, prefix=p) for p, cls in entry.parts.items()}
    candidates = []
    valid = data is not None and form.is_valid()
    valid = all([p.is_valid() for p in parts.values()]) and valid  # every part's errors shown
    if valid:
        if form.identity_changed(entry.identifying):
            candidates = [
                (other, reason)
                for other, reason in duplicates.likely_duplicates(reg.name, form.instance)
                if other.pk != instance.pk
            ]
        if not candidates or form.cleaned_data["confirm_duplicate"]:
            obj = _save(reg.name, form, parts, candidates)
            messages.success(request, _("The record was saved."))
            return redirect("registry:detail", reg.name, obj.pk)
    return render(
        request,
        "registry/form.html",
        {
            "registry": reg,
            "form": form,
            "parts": parts,
            "object": None if adding else instance,
            "candidates": candidates,
        },
    )


def _save(name, form, parts, candidates):
    """The record, its parts and the duplicate pairs DOST will check, all or nothing."""
    with transaction.atomic():
        obj = form.instance
        steps = kept_steps(parts["steps"]) if name == "ip" else None
        if name == "ip":
            # The status follows the latest step; a new application with no step is "filed".
            obj.status, _on = latest_status(steps) or (IPStatus.FILED, obj.filed_on)
        obj = form.save()
        for formset in parts.values():
            formset.instance = obj
            formset.save()
        if name == "ip" and not steps:
            IPStatusChange.objects.create(ip=obj, status=IPStatus.FILED, on=obj.filed_on)
        for other, reason in candidates:
            # Lower number first, as `duplicates.flag` stores a pair found on import.
            first, second = sorted((other.pk, obj.pk))
            DuplicateCandidate.objects.get_or_create(
                registry=name,
                first_id=first,
                second_id=second,
                defaults={"reason": str(reason)[:200]},
            )
    return obj
