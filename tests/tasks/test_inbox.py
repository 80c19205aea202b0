"""A council member's inbox, declaration and reviews: the declaration comes before any paper,
a review is written on the form of the task's kind (scores within each criterion's maximum,
the criterion named when refused), a vote or a grade, and is read only once concluded."""

import html

import pytest
from django.urls import reverse
from django.utils.html import escape

from stihub.tasks import councils
from stihub.tasks.choices import ConflictReason, CouncilKind, CouncilStatus, DossierStatus, Step
from stihub.tasks.models import Exclusion, Review

from .test_public_pages import (
    make_council,
    make_dossier,
    make_expert,
    make_review,
    make_task,
    make_team,
    seat_of,
    vi,
)


@pytest.fixture
def seat(users):
    """An identification council being declared; the expert user is its chair."""
    task = make_task(users["dost"], Step.IDENTIFICATION, title="Đề xuất về nuôi cấy mô lan rừng")
    member = make_expert("Nguyễn Văn Hội Đồng", user=users["expert"])
    others = [make_expert(f"Thành viên {i}") for i in range(6)]
    council = make_council(task, CouncilKind.IDENTIFICATION, [member, *others])
    return {"task": task, "council": council, "member": seat_of(council, member), "others": others}


def test_the_inbox_lists_seats_and_asks_to_declare_first(seat, client_for):
    text = client_for("expert").get(reverse("tasks:inbox")).content.decode()
    assert escape(seat["task"].title) in text
    assert vi("Declare whether you have a conflict of interest.") in text
    assert reverse("tasks:declare", args=[seat["member"].pk]) in text


def test_the_inbox_of_someone_without_an_expert_record(users, client_for):
    response = client_for("outsider").get(reverse("tasks:inbox"))
    assert response.status_code == 200
    text = html.unescape(response.content.decode())  # {% translate %} writes "&" as it is
    assert (
        html.unescape(
            vi(
                "Your account is not linked to a record of the expert registry: you hold no"
                " council seat. DOST links accounts to experts."
            )
        )
        in text
    )


def test_before_declaring_the_member_sees_the_title_only(seat, client_for):
    seat["task"].summary = "Tóm tắt chỉ hội đồng được đọc sau khi cam kết"
    seat["task"].save()
    response = client_for("expert").get(reverse("tasks:declare", args=[seat["member"].pk]))
    text = response.content.decode()
    assert response.status_code == 200 and escape(seat["task"].title) in text
    assert escape(seat["task"].summary) not in text
    # someone else cannot declare in their place
    assert (
        client_for("scientist").get(reverse("tasks:declare", args=[seat["member"].pk])).status_code
        == 403
    )


def test_declaring_no_conflict_is_recorded(seat, client_for):
    url = reverse("tasks:declare", args=[seat["member"].pk])
    response = client_for("expert").post(url, {"answer": "none"})
    assert response.status_code == 302
    seat["member"].refresh_from_db()
    assert seat["member"].no_conflict is True and seat["member"].declared_at is not None
    # once declared, a second declaration is refused and changes nothing
    client_for("expert").post(url, {"answer": "conflict", "explanation": "Đổi ý"})
    seat["member"].refresh_from_db()
    assert seat["member"].no_conflict is True


def test_a_conflict_needs_its_explanation_and_excludes_the_member(seat, client_for):
    url = reverse("tasks:declare", args=[seat["member"].pk])
    response = client_for("expert").post(url, {"answer": "conflict", "explanation": ""})
    assert response.status_code == 400
    assert vi("Say what the conflict of interest is.") in response.content.decode()
    seat["member"].refresh_from_db()
    assert seat["member"].declared_at is None
    client_for("expert").post(url, {"answer": "conflict", "explanation": "Tôi là đồng tác giả"})
    seat["member"].refresh_from_db()
    assert seat["member"].no_conflict is False
    assert Exclusion.objects.filter(
        council=seat["council"], expert=seat["member"].expert, reason=ConflictReason.DECLARED
    ).exists()


def test_reviews_open_once_everyone_declared_and_a_vote_is_recorded(seat, client_for):
    client_for("expert").post(
        reverse("tasks:declare", args=[seat["member"].pk]), {"answer": "none"}
    )
    for other in seat["others"]:  # the other members declare through the service
        councils.declare(seat_of(seat["council"], other), True)
    seat["council"].refresh_from_db()
    assert seat["council"].status == CouncilStatus.REVIEWING
    review = Review.objects.get(member=seat["member"])
    url = reverse("tasks:review", args=[review.pk])
    text = client_for("expert").get(url).content.decode()
    assert escape(seat["task"].title) in text and reverse("tasks:review", args=[review.pk]) in (
        client_for("expert").get(reverse("tasks:inbox")).content.decode()
    )
    response = client_for("expert").post(url, {"comment": "Chưa chọn"})
    assert response.status_code == 400 and vi("Choose a verdict.") in response.content.decode()
    assert (
        client_for("expert").post(url, {"verdict": "recommend", "comment": "Cần thiết"}).status_code
        == 302
    )
    review.refresh_from_db()
    assert review.verdict == "recommend" and review.submitted_at is not None
    # another member's review is not theirs to write or read
    other = Review.objects.exclude(member=seat["member"]).first()
    assert client_for("expert").get(reverse("tasks:review", args=[other.pk])).status_code == 403


@pytest.fixture
def selection(users):
    """A reviewing selection council with a dossier assigned to the expert user."""
    task = make_task(users["dost"], Step.SELECTION, kind="research")
    dossier = make_dossier(task, users["outsider"], status=DossierStatus.COMPLETE)
    make_team(dossier, make_expert("Trần Bí Mật"))
    member = make_expert("Nguyễn Văn Hội Đồng", user=users["expert"])
    others = [make_expert(f"Thành viên {i}") for i in range(6)]
    council = make_council(task, CouncilKind.SELECTION, [member, *others], CouncilStatus.REVIEWING)
    return {"council": council, "review": make_review(council, member, dossier)}


# The research form of the bundled profile: overview 10, objectives 5, content 30, products 20,
# application 10, capacity 15, budget 10 (10 + 5 + 30 + 20 + 10 + 15 + 10 = 100).
SCORES = {
    "overview": "8",
    "objectives": "4,5",
    "content": "25",
    "products": "18",
    "application": "7",
    "capacity": "12",
    "budget": "9",
}


def test_selection_scores_out_of_range_are_refused_with_the_criterion_named(selection, client_for):
    url = reverse("tasks:review", args=[selection["review"].pk])
    data = {f"score_{k}": v for k, v in SCORES.items()} | {"score_content": "31"}
    response = client_for("expert").post(url, data)
    assert response.status_code == 400
    criterion = "Nội dung nghiên cứu và phương pháp, kỹ thuật sử dụng"  # max 30
    assert vi("%(criterion)s: give 0 to %(max)s points.", criterion=criterion, max=30.0) in (
        response.content.decode()
    ) or vi("%(criterion)s: give 0 to %(max)s points.", criterion=criterion, max=30) in (
        response.content.decode()
    )
    selection["review"].refresh_from_db()
    assert selection["review"].submitted_at is None


def test_selection_scores_are_saved_and_summed(selection, client_for):
    url = reverse("tasks:review", args=[selection["review"].pk])
    data = {f"score_{k}": v for k, v in SCORES.items()} | {"comment": "Tốt"}
    assert client_for("expert").post(url, data).status_code == 302
    review = selection["review"]
    review.refresh_from_db()
    assert review.scores["objectives"] == 4.5  # typed with a decimal comma
    text = client_for("expert").get(url).content.decode()
    # 8 + 4.5 + 25 + 18 + 7 + 12 + 9 = 83.5 of 100
    assert "83,5 / 100" in text or "83.5 / 100" in text


def test_a_concluded_review_is_read_only(selection, client_for):
    url = reverse("tasks:review", args=[selection["review"].pk])
    data = {f"score_{k}": v for k, v in SCORES.items()}
    client_for("expert").post(url, data)
    selection["council"].status = CouncilStatus.CONCLUDED
    selection["council"].save()
    response = client_for("expert").get(url)
    assert response.status_code == 200
    assert vi("The council has concluded: the review can no longer be changed.") in (
        response.content.decode()
    )
    assert client_for("expert").post(url, data | {"score_budget": "1"}).status_code == 403
    selection["review"].refresh_from_db()
    assert selection["review"].scores["budget"] == 9


def test_an_acceptance_review_grades_with_the_profiles_labels(users, client_for):
    task = make_task(users["dost"], Step.ACCEPTANCE)
    member = make_expert("Nguyễn Văn Hội Đồng", user=users["expert"])
    council = make_council(
        task,
        CouncilKind.ACCEPTANCE,
        [member, *(make_expert(f"Thành viên {i}") for i in range(6))],
        CouncilStatus.REVIEWING,
    )
    review = make_review(council, member)
    url = reverse("tasks:review", args=[review.pk])
    text = client_for("expert").get(url).content.decode()
    assert escape("Xuất sắc") in text and escape("Không đạt") in text  # the bundled grades
    assert client_for("expert").post(url, {"verdict": "excellent"}).status_code == 302
    review.refresh_from_db()
    assert review.verdict == "excellent"
