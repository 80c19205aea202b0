"""DOST's review pages (the queue, a submission), the public revision history of a value, the
links to it from the dashboard and the target page, and "approve at once" on DOST's import.

The world: indicator RD_FTE_PER_10K (target CT10 of the Nghệ An resolution) is reported by
agency A (the `reporter`'s); agency B's reporter (`reporter_b`) reports nothing of it.
"""

import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from stihub.monitoring import review
from stihub.monitoring.choices import Channel
from stihub.monitoring.models import Indicator, Observation, Submission
from stihub.monitoring.review import Reported

CODE = "RD_FTE_PER_10K"
TARGET = "CT10"
APPROVER = ("Ngô", "Duyệt")  # first and last names: personal data, shown to DOST and agency A
REPORTER = ("Trần", "Báo Cáo")


@pytest.fixture
def world(nghe_an, users, agency):
    indicator = Indicator.objects.get(code=CODE)
    indicator.agency = agency
    indicator.save()
    for name, (first, last) in (("dost", APPROVER), ("reporter", REPORTER)):
        users[name].first_name, users[name].last_name = first, last
        users[name].save()
    return indicator


def send(user, agency, indicator, value, year=2024, **options):
    """What a reporter (or DOST) sends: one submission of one value; its revision."""
    reported = Reported(indicator.pk, year, value, agency_id=agency.pk if agency else None)
    channel = options.pop("channel", Channel.FORM)
    _submission, (revision,) = review.submit(
        [reported], user=user, agency=agency, channel=channel, **options
    )
    return revision


def full_name(user) -> str:
    return f"{user.first_name} {user.last_name}"


def text(response) -> str:
    return response.content.decode()


def revision_link(pk) -> str:
    return f'href="/monitoring/o/{pk}/revisions/"'


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def shown_revisions(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-revision="(\d+)"', page)}


def dashboard_cell(client, resolution) -> str:
    """The target's latest-value cell on the dashboard, as an anonymous visitor gets it."""
    page = text(client.get(f"/monitoring/r/{resolution.code}/"))
    row = re.search(rf'<tr data-target="{TARGET}">(.*?)</tr>', page, re.S).group(1)
    return re.findall(r'<td class="num">(.*?)</td>', row, re.S)[0]


# --- approving publishes ----------------------------------------------------------------------


def test_approval_publishes_and_the_old_value_stays_in_the_history(
    client, client_for, world, users, agency, nghe_an
):
    send(users["dost"], agency, world, 4, year=2022, approve=True)  # progress needs two years
    old = send(users["dost"], agency, world, 5, approve=True)
    new = send(users["reporter"], agency, world, 7)
    target = nghe_an.targets.get(code=TARGET)

    # Before approval the public sees the old value: dashboard, API, revision link.
    cell = dashboard_cell(client, nghe_an)
    assert revision_link(old.pk) in cell and revision_link(new.pk) not in cell
    latest = client.get(f"/api/targets/{target.pk}/").json()["progress"]["latest"]
    assert latest == {"year": 2024, "value": 5.0}

    dost = client_for("dost")
    response = dost.post(
        reverse("reporting:submission", args=[new.submission_id]), {"action": "approve"}
    )
    assert response.status_code == 302 and response.url == reverse("reporting:review")
    with translation.override("vi"):
        expected = ngettext("Approved %(n)s value.", "Approved %(n)s values.", 1) % {"n": 1}
    assert messages_of(dost.get(response.url)) == [expected]

    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, new.status) == ("superseded", "approved")
    assert new.reviewed_by == users["dost"]
    client.logout()
    cell = dashboard_cell(client, nghe_an)
    assert revision_link(new.pk) in cell and revision_link(old.pk) not in cell
    latest = client.get(f"/api/targets/{target.pk}/").json()["progress"]["latest"]
    assert latest == {"year": 2024, "value": 7.0}
    # The public history of the new value lists both, newest first, each with its status.
    page = text(client.get(reverse("monitoring:revisions", args=[new.pk])))
    assert re.findall(r'data-revision="(\d+)"', page) == [str(new.pk), str(old.pk)]
    assert re.findall(r'data-status="(\w+)"', page) == ["approved", "superseded"]


def test_approving_only_the_ticked_values_keeps_the_others_waiting(
    client_for, world, users, agency
):
    first = Reported(world.pk, 2023, 6, agency_id=agency.pk)
    second = Reported(world.pk, 2024, 7, agency_id=agency.pk)
    submission, (a, b) = review.submit(
        [first, second], user=users["reporter"], agency=agency, channel=Channel.FORM
    )
    url = reverse("reporting:submission", args=[submission.pk])
    dost = client_for("dost")
    other = send(users["reporter"], agency, world, 8, year=2022)  # of another submission
    for wrong in (["x"], [other.pk], []):  # not a value of this submission; no action chosen
        action = {"action": "approve"} if wrong else {}
        response = dost.post(url, {**action, "selected": wrong})
        assert response.status_code == 200 and 'class="errors"' in text(response)
    assert set(Observation.objects.values_list("status", flat=True)) == {"submitted"}
    response = dost.post(url, {"action": "approve", "selected": [a.pk]})
    assert response.status_code == 302 and response.url == url  # one still waits: stay
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == ("approved", "submitted")


# --- returning needs a comment; the reporter follows the report ---------------------------------


def test_return_requires_a_comment_and_the_reporter_sees_it(client_for, world, users, agency):
    revision = send(users["reporter"], agency, world, 7)
    url = reverse("reporting:submission", args=[revision.submission_id])
    dost = client_for("dost")

    response = dost.post(url, {"action": "return", "comment": "  "})
    with translation.override("vi"):
        required = gettext("Say what needs correcting: a comment is required to return data.")
    assert response.status_code == 200 and required in text(response)
    revision.refresh_from_db()
    assert revision.status == "submitted"

    comment = "Số liệu năm 2024 chưa khớp với báo cáo của Cục Thống kê."
    response = dost.post(url, {"action": "return", "comment": comment})
    assert response.status_code == 302 and response.url == reverse("reporting:review")
    revision.refresh_from_db()
    assert (revision.status, revision.review_comment) == ("returned", comment)

    dost.logout()
    page = text(client_for("reporter").get(url))
    assert comment in page and 'data-status="returned"' in page
    assert 'name="action"' not in page  # read-only for the reporter
    # ... with a way to correct the returned value by the web form
    assert reverse("reporting:enter_period", args=[CODE, 2024, "Y"]) in page


def test_the_submission_page_shows_the_change_and_groups_the_breakdown(
    client_for, world, users, agency
):
    send(users["dost"], agency, world, 5, approve=True)
    communes = [f"Xã Thử {i}" for i in range(3)]
    reported = [Reported(world.pk, 2024, 6.5, agency_id=agency.pk)] + [
        Reported(world.pk, 2024, 1, area=name, agency_id=agency.pk) for name in communes
    ]
    submission, revisions = review.submit(
        reported, user=users["reporter"], agency=agency, channel=Channel.EXCEL
    )
    page = text(client_for("dost").get(reverse("reporting:submission", args=[submission.pk])))
    headline, parts = page.split("<details>")
    assert shown_revisions(headline) == {revisions[0].pk}  # the headline comes first, alone
    assert shown_revisions(parts) == {r.pk for r in revisions[1:]}  # the parts, folded
    assert "<ins>+1,5</ins>" in headline  # 6.5 replaces 5 in force: +1.5, in Vietnamese format


# --- the queue ------------------------------------------------------------------------------------


def test_the_queue_lists_waiting_submissions_oldest_first_and_filters(
    client_for, world, users, agency, agency_b
):
    first = send(users["reporter"], agency, world, 6, year=2023)
    second = send(users["reporter_b"], agency_b, world, 7, channel=Channel.API)
    done = send(users["dost"], agency, world, 5, year=2022, approve=True)  # nothing waits
    dost = client_for("dost")
    queue = reverse("reporting:review")

    def listed(query=""):
        response = dost.get(queue + query)
        assert response.status_code == 200
        return [int(pk) for pk in re.findall(r'data-submission="(\d+)"', text(response))]

    assert listed() == [first.submission_id, second.submission_id]
    assert done.submission_id not in listed()
    assert listed("?agency=VIEN_TEST") == [second.submission_id]
    assert listed("?channel=api") == [second.submission_id]
    assert listed("?agency=SCT_TEST&channel=api") == []
    assert listed("?agency=NOPE") == []  # told, not answered with an error page
    assert listed("?page=x") == [first.submission_id, second.submission_id]


def test_a_submission_waiting_for_its_senders_confirmation_is_its_preview(
    client_for, users, agency
):
    submission = Submission.objects.create(
        agency=agency, created_by=users["reporter"], channel=Channel.EXCEL, is_committed=False
    )
    response = client_for("reporter").get(reverse("reporting:submission", args=[submission.pk]))
    assert response.status_code == 302
    assert response.url == reverse("reporting:preview", args=[submission.pk])


# --- who sees what ----------------------------------------------------------------------------


def test_agency_b_cannot_open_agency_a_submission(client_for, world, users, agency):
    revision = send(users["reporter"], agency, world, 7)
    url = reverse("reporting:submission", args=[revision.submission_id])
    assert client_for("reporter_b").get(url).status_code == 403
    assert client_for("reporter").post(url, {"action": "approve"}).status_code == 403
    revision.refresh_from_db()
    assert revision.status == "submitted"


@pytest.fixture
def history(world, users, agency):
    """An approved value, a correction DOST returned, and a draft not yet sent."""
    approved = send(users["dost"], agency, world, 5, approve=True)
    returned = send(users["reporter"], agency, world, 9)
    review.return_(returned, reviewer=users["dost"], comment="Kiểm tra lại")
    draft = send(users["reporter"], agency, world, 6, draft=True)
    return approved, returned, draft


def test_the_public_history_hides_drafts_returned_values_and_names(client, history, agency):
    approved, returned, draft = history
    response = client.get(reverse("monitoring:revisions", args=[approved.pk]))
    page = text(response)
    assert shown_revisions(page) == {approved.pk}
    assert agency.name in page  # who reported it, as an agency
    assert full_name(approved.reported_by) not in page and "data-person" not in page
    assert "Ngô" not in page and "Trần" not in page
    for hidden in (returned, draft):  # as if they did not exist: no guessing
        assert client.get(reverse("monitoring:revisions", args=[hidden.pk])).status_code == 404


def test_agency_b_cannot_see_agency_a_unpublished_revisions(client_for, history):
    approved, returned, draft = history
    client = client_for("reporter_b")
    assert client.get(reverse("monitoring:revisions", args=[draft.pk])).status_code == 404
    assert client.get(reverse("monitoring:revisions", args=[returned.pk])).status_code == 404
    page = text(client.get(reverse("monitoring:revisions", args=[approved.pk])))
    assert shown_revisions(page) == {approved.pk} and "data-person" not in page


@pytest.mark.parametrize("viewer", ["dost", "reporter"])
def test_dost_and_the_agency_see_every_revision_and_the_names(client_for, users, history, viewer):
    approved, returned, draft = history
    page = text(client_for(viewer).get(reverse("monitoring:revisions", args=[draft.pk])))
    assert re.findall(r'data-revision="(\d+)"', page) == [str(draft.pk), str(returned.pk),
                                                            str(approved.pk)]  # fmt: skip
    assert full_name(users["reporter"]) in page  # reported the correction and the draft
    assert full_name(users["dost"]) in page  # approved the first, returned the correction
    assert "Kiểm tra lại" in page


def test_an_unknown_value_is_404(client, db):
    assert client.get("/monitoring/o/999999/revisions/").status_code == 404


# --- links from the dashboard and the target page ---------------------------------------


def test_dashboard_and_target_page_link_each_value_to_its_history(
    client, world, users, agency, nghe_an
):
    values = {2022: 4, 2023: 6, 2024: 7}
    shown = {
        y: send(users["dost"], agency, world, v, year=y, approve=True) for y, v in values.items()
    }
    send(users["reporter"], agency, world, 8, year=2024)  # waiting: linked nowhere

    cell = dashboard_cell(client, nghe_an)
    assert re.findall(r'href="(/monitoring/o/\d+/revisions/)"', cell) == [
        f"/monitoring/o/{shown[2024].pk}/revisions/"
    ]
    page = text(client.get(f"/monitoring/r/{nghe_an.code}/t/{TARGET}/"))
    links = re.findall(r'href="/monitoring/o/(\d+)/revisions/"', page)
    # the latest value among the facts, then every row of the data table
    assert [int(pk) for pk in links] == [shown[2024].pk] + [shown[y].pk for y in sorted(values)]


def test_the_dashboard_link_costs_one_query_whatever_the_targets(
    client, world, users, agency, nghe_an, django_assert_max_num_queries
):
    for year in (2022, 2023, 2024):
        send(users["dost"], agency, world, year - 2018, year=year, approve=True)
    with django_assert_max_num_queries(8):  # as before the links (test_dashboard.py)
        client.get(f"/monitoring/r/{nghe_an.code}/")


# --- DOST's import: approve at once, or leave for review ----------------------------------


def upload(content: str, name="so-lieu.csv"):
    handle = io.BytesIO(content.encode())
    handle.name = name
    return handle


FILE = f"indicator,year,value\n{CODE},2023,6\n{CODE},2024,7\n"


def test_import_unticked_leaves_the_values_waiting_for_review(client_for, world, nghe_an):
    dost = client_for("dost")
    form = text(dost.get(reverse("monitoring:import")))
    assert re.search(r'<input type="checkbox" name="approve"[^>]* checked', form)  # ticked
    response = dost.post(reverse("monitoring:import"), {"file": upload(FILE)}, follow=True)
    assert set(Observation.objects.values_list("status", flat=True)) == {"submitted"}
    assert f'href="{reverse("reporting:review")}"' in text(response)
    submission = Submission.objects.get()
    assert submission.approved_at_once is False and submission.channel == "import"
    queue = text(dost.get(reverse("reporting:review")))
    assert f'data-submission="{submission.pk}"' in queue


def test_import_ticked_approves_at_once(client_for, world, nghe_an):
    client_for("dost").post(reverse("monitoring:import"), {"file": upload(FILE), "approve": "on"})
    assert set(Observation.objects.values_list("status", flat=True)) == {"approved"}
    assert Submission.objects.get().approved_at_once is True
