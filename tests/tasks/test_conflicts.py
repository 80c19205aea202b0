"""DOST's register of declared ties and sanctions: what it records the council suggestion
takes in at once, and a tie of a person with themself is refused, writing nothing."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from stihub.registry.models import Expert
from stihub.tasks import councils, profiles
from stihub.tasks.choices import CouncilKind
from stihub.tasks.models import ExpertTie, Sanction, Task


def _expert(name, user=None):
    return Expert.objects.create(full_name=name, location="province", user=user)


def _task(users):
    return Task.objects.create(
        code="ĐX-2026-050",
        kind="research",
        title="Giống lúa chịu mặn",
        summary="Chọn giống lúa chịu mặn",
        proposer=users["scientist"],
        profile=profiles.current(),
    )


def test_a_declared_tie_and_a_sanction_exclude_at_once(users, client_for):
    applicant = _expert("Người Đề Xuất", user=users["scientist"])
    cousin, barred = _expert("Người Thân"), _expert("Người Bị Xử Lý")
    others = [_expert(f"Chuyên gia {i}") for i in range(7)]
    task = _task(users)
    before = councils.suggestion(task, CouncilKind.IDENTIFICATION)["excluded"]
    assert str(cousin.pk) not in before and str(barred.pk) not in before
    dost = client_for("dost")
    page = reverse("tasks:conflicts")
    tie = {"action": "add_tie", "tie-expert": cousin.pk, "tie-other": applicant.pk}
    assert dost.post(page, tie | {"tie-kind": "relative", "tie-note": "Em họ"}).status_code == 302
    until = (timezone.localdate() + dt.timedelta(days=90)).strftime("%d/%m/%Y")
    sanction = {"action": "add_sanction", "sanction-expert": barred.pk, "sanction-until": until}
    assert dost.post(page, sanction | {"sanction-decision": "QĐ 12/QĐ-SKHCN"}).status_code == 302
    after = councils.suggestion(task, CouncilKind.IDENTIFICATION)["excluded"]
    assert (after[str(cousin.pk)], after[str(barred.pk)]) == ("relative", "sanctioned")
    assert str(others[0].pk) not in after
    # Removing the tie lets the person back in.
    found = ExpertTie.objects.get()
    dost.post(page, {"action": "remove_tie", "pk": found.pk})
    assert str(cousin.pk) not in councils.suggestion(task, CouncilKind.IDENTIFICATION)["excluded"]
    assert Sanction.objects.count() == 1


def test_a_tie_with_oneself_or_twice_is_refused(users, client_for):
    one, two = _expert("Một"), _expert("Hai")
    dost = client_for("dost")
    page = reverse("tasks:conflicts")
    same = {"action": "add_tie", "tie-expert": one.pk, "tie-other": one.pk, "tie-kind": "coauthor"}
    assert dost.post(page, same).status_code == 400
    assert not ExpertTie.objects.exists()
    tie = {"action": "add_tie", "tie-expert": one.pk, "tie-other": two.pk, "tie-kind": "coauthor"}
    assert dost.post(page, tie).status_code == 302
    reverse_tie = tie | {"tie-expert": two.pk, "tie-other": one.pk}
    assert dost.post(page, reverse_tie).status_code == 400  # the same tie, seen from the other
    assert ExpertTie.objects.count() == 1
