"""DOST's pages for personal data (Nghị định 13/2023/NĐ-CP) and likely duplicates: a person's
consent, the access log, a person's data on request (export, erasure), and the merge screen."""

import csv
import json

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stihub.core.models import User
from stihub.core.permissions import require
from stihub.engines.text import fold

from ..choices import Access, ConsentPurpose
from ..merging import (
    MergeRefused,
    default_choices,
    display,
    merge_fields,
    older_first,
    records_of,
)
from ..merging import merge as merge_records
from ..models import DuplicateCandidate, Expert, PersonalDataAccess
from ..personal import erase_person, person_data, record_consent
from ..privacy import log_access
from ..registries import REGISTRIES

PER_PAGE = 50


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(
        label=gettext_lazy("Purpose"),
        choices=ConsentPurpose.choices,
        initial=ConsentPurpose.DIRECTORY,
    )
    given = forms.TypedChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("yes", gettext_lazy("Consent given")), ("no", gettext_lazy("Consent withdrawn"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    evidence = forms.CharField(
        label=gettext_lazy("Evidence"),
        max_length=300,
        help_text=gettext_lazy("E.g. “Consent form signed on 02/12/2026”."),
    )


@require("registry.handle_data_request")
def consent(request, pk):
    """The person's consent history, and recording a consent given or withdrawn."""
    expert = get_object_or_404(Expert, pk=pk)
    form = ConsentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if expert.erased_at:
            form.add_error(None, _("This person's data was erased: no consent can be recorded."))
        if form.is_valid():
            record_consent(expert, user=request.user, **form.cleaned_data)
            messages.success(request, _("The consent was recorded."))
            return redirect("registry:consent", pk=expert.pk)
        status = 400
    history = expert.consents.select_related("recorded_by").order_by("-recorded_at", "-pk")
    return render(
        request,
        "registry/consent.html",
        {"expert": expert, "form": form, "consents": history},
        status=status,
    )


class AccessFilter(forms.Form):
    user = forms.ModelChoiceField(
        label=gettext_lazy("User"), queryset=User.objects.none(), required=False
    )
    person = forms.IntegerField(label=gettext_lazy("Person number"), required=False, min_value=1)
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = PersonalDataAccess.objects.exclude(user=None).values("user")
        self.fields["user"].queryset = User.objects.filter(pk__in=users).order_by("username")


def _filtered_log(form):
    rows = PersonalDataAccess.objects.select_related("user", "expert")
    if not form.is_valid():
        return rows
    data = form.cleaned_data
    if data["user"]:
        rows = rows.filter(user=data["user"])
    if data["person"]:
        rows = rows.filter(Q(expert_ref=data["person"]) | Q(expert_id=data["person"]))
    if data["since"]:
        rows = rows.filter(at__date__gte=data["since"])
    if data["until"]:
        rows = rows.filter(at__date__lte=data["until"])
    return rows.order_by("-at", "-pk")


@require("registry.view_access_log")
def access_log(request):
    """Who saw which person's restricted fields, when and how: newest first, filterable."""
    form = AccessFilter(request.GET or None)
    rows = _filtered_log(form)
    if request.GET.get("format") == "csv":
        return _log_csv(rows)
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/access_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=200 if form.is_valid() or not request.GET else 400,
    )


def _log_csv(rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="personal-data-access.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 only with the mark
    out = csv.writer(response)
    out.writerow([_("Time"), _("User"), _("Person number"), _("Fields seen"), _("Via"), _("Path")])
    for r in rows.iterator():
        user = r.user.username if r.user else ""
        fields = ";".join(r.fields)
        out.writerow([r.at.isoformat(), user, r.expert_ref, fields, r.via, r.path])
    return response


@require("registry.handle_data_request")
def person_export(request, pk):
    """Everything held about the person, as a JSON file (the export is logged)."""
    expert = get_object_or_404(Expert, pk=pk)
    data = person_data(expert, user=request.user, path=request.path)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="person-{expert.pk}.json"'
    return response


class EraseForm(forms.Form):
    confirmation = forms.CharField(label=gettext_lazy("Type ERASE to confirm"), max_length=20)
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=250,
        help_text=gettext_lazy(
            "E.g. the person's request and its date. Do not write the person's name."
        ),
    )

    def clean_confirmation(self):
        value = self.cleaned_data["confirmation"].strip()
        if fold(value) not in {"erase", fold(_("ERASE"))}:  # "XÓA", "xoá", "xoa" alike
            raise forms.ValidationError(_("Type ERASE to confirm the erasure."))
        return value


@require("registry.handle_data_request")
def erase(request, pk):
    """Erasure on the person's request: confirmation page, then the erasure in one step."""
    expert = get_object_or_404(Expert, pk=pk)
    form = EraseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if expert.erased_at:
            form.add_error(None, _("This person's data was already erased."))
        if form.is_valid():
            erase_person(expert, user=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("The person's data was erased."))
            return redirect("registry:consent", pk=expert.pk)
        status = 400
    return render(request, "registry/erase.html", {"expert": expert, "form": form}, status=status)


@require("registry.manage_registry")
def duplicates(request):
    """The likely duplicates to check, per registry; "not the same" closes one."""
    if request.method == "POST":
        candidate = DuplicateCandidate.objects.filter(
            pk=request.POST.get("pk") if str(request.POST.get("pk", "")).isdigit() else None,
            resolution=DuplicateCandidate.Resolution.OPEN,
        ).first()
        if candidate is None:
            messages.error(request, _("This pair is not open any more."))
        else:
            candidate.resolution = DuplicateCandidate.Resolution.DISTINCT
            candidate.resolved_by, candidate.resolved_at = request.user, timezone.now()
            candidate.save()
            messages.success(request, _("Marked as not the same."))
        return redirect("registry:duplicates")
    open_ones = DuplicateCandidate.objects.filter(
        resolution=DuplicateCandidate.Resolution.OPEN, registry__in=REGISTRIES
    ).order_by("registry", "-found_at", "-pk")
    groups = []
    for name, registry in REGISTRIES.items():
        rows = [c for c in open_ones if c.registry == name]
        if rows:
            groups.append((registry, [(c, *records_of(c)) for c in rows]))
    return render(request, "registry/duplicates.html", {"groups": groups})


@require("registry.manage_registry")
def merge(request, pk):
    """Both records field by field, a choice per field, then the merge in one step."""
    candidate = get_object_or_404(DuplicateCandidate, pk=pk, registry__in=REGISTRIES)
    first, second = records_of(candidate)
    usable = (
        candidate.resolution == DuplicateCandidate.Resolution.OPEN
        and first is not None
        and second is not None
    )
    if not usable:
        messages.error(
            request, _("This pair cannot be merged: it is resolved or a record is gone.")
        )
        return redirect("registry:duplicates")
    fields = merge_fields(type(first))
    choices = default_choices(first, second)
    keep_side = "first" if older_first(first, second)[0] is first else "second"
    errors = []
    if request.method == "POST":
        keep_side = request.POST.get("keep", "")
        if keep_side not in ("first", "second"):
            errors.append(_("Choose the record to keep."))
        for f in fields:
            picked = request.POST.get(f"f_{f.name}", choices[f.name])
            if picked not in ("first", "second"):
                errors.append(_("Choose a value for “%(field)s”.") % {"field": f.verbose_name})
            else:
                choices[f.name] = picked
        if request.POST.get("confirm") != "yes":
            errors.append(_("Tick the confirmation to merge the two records."))
        if not errors:
            try:
                kept = merge_records(
                    candidate, keep_side=keep_side, choices=choices, user=request.user
                )
            except MergeRefused as refusal:
                errors.append(str(refusal))
            else:
                messages.success(request, _("The two records were merged."))
                return redirect("registry:detail", registry=candidate.registry, pk=kept.pk)
    if isinstance(first, Expert):  # the screen shows both people's restricted fields
        log_access(request.user, [first, second], via=Access.PAGE, path=request.path)
    rows = [
        (f, display(first, f), display(second, f), choices[f.name])
        for f in fields
        if not (display(first, f) == "" and display(second, f) == "")
    ]
    hidden = [(f.name, choices[f.name]) for f in fields if f not in {r[0] for r in rows}]
    context = {
        "candidate": candidate,
        "registry": REGISTRIES[candidate.registry],
        "first": first,
        "second": second,
        "rows": rows,
        "hidden": hidden,
        "keep": keep_side,
        "errors": errors,
    }
    return render(request, "registry/merge.html", context, status=400 if errors else 200)
