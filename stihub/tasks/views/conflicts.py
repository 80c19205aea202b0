"""DOST's register of what makes a conflict of interest beyond workplaces: declared ties between
experts (relatives, co-authors) and sanctions. The council suggestion reads them
(`councils.registry_experts`); every change is kept in the change history."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from stihub.core.permissions import require

from ..models import ExpertTie, Sanction
from ..staff_forms import SanctionForm, TieForm

SHOWN = 200


@require("tasks.manage_tasks")
def conflicts(request):
    """The ties and sanctions, newest first; a form to add each; a button to remove one."""
    tie_form = TieForm(prefix="tie")
    sanction_form = SanctionForm(prefix="sanction")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in ("remove_tie", "remove_sanction"):
            model = ExpertTie if action == "remove_tie" else Sanction
            raw = request.POST.get("pk", "")
            get_object_or_404(model, pk=int(raw) if raw.isdigit() else 0).delete()
            messages.success(request, _("Removed."))
            return redirect("tasks:conflicts")
        form = (
            TieForm(request.POST, prefix="tie")
            if action == "add_tie"
            else SanctionForm(request.POST, prefix="sanction")
        )
        if form.is_valid():
            form.save()
            messages.success(request, _("Recorded: the council suggestions now take it in."))
            return redirect("tasks:conflicts")
        if action == "add_tie":
            tie_form = form
        else:
            sanction_form = form
        status = 400
    return render(
        request,
        "tasks/conflicts.html",
        {
            "tie_form": tie_form,
            "sanction_form": sanction_form,
            "ties": ExpertTie.objects.select_related("expert", "other").order_by("-pk")[:SHOWN],
            "sanctions": Sanction.objects.select_related("expert").order_by("-until")[:SHOWN],
        },
        status=status,
    )
