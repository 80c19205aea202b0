"""The review workflow (monitoring/review.py): only approved values are published, a correction
is a new revision, and nothing is ever overwritten."""

import pytest

from stihub.monitoring.loading import load_resolution
from stihub.monitoring.models import Indicator, Observation
from stihub.monitoring.progress import evaluate_targets
from stihub.monitoring.review import (
    Reported,
    ReviewError,
    approve_revisions,
    edit,
    send_back,
    submit,
)


@pytest.fixture
def rd(nghe_an):
    return Indicator.objects.get(code="RD_FTE_PER_10K")


def send(indicator, value, user, year=2024, **kw):
    _submission, (revision,) = submit(
        [Reported(indicator.pk, year, value, **kw)], user=user, agency=None, channel="api"
    )
    return revision


def latest_rd(nghe_an):
    (progress,) = evaluate_targets(nghe_an.targets.filter(code="CT10").select_related("indicator"))
    return progress.points[-1] if progress.points else None  # the series the engine read


def test_a_submitted_value_is_published_only_once_approved(rd, users, nghe_an):
    revision = send(rd, 7.5, users["reporter"])
    assert revision.status == "submitted" and revision.submitted_at is not None
    assert not Observation.objects.published().exists()
    assert latest_rd(nghe_an) is None  # the progress engine sees nothing yet
    assert approve_revisions(Observation.objects.all(), reviewer=users["dost"]) == 1
    revision.refresh_from_db()
    assert (revision.status, revision.reviewed_by) == ("approved", users["dost"])
    assert latest_rd(nghe_an) == (2024, 7.5)


def test_a_correction_supersedes_the_value_in_force_which_stays_until_then(rd, users, nghe_an):
    first = send(rd, 7.5, users["reporter"])
    approve_revisions(Observation.objects.filter(pk=first.pk), reviewer=users["dost"])
    correction = send(rd, 8.0, users["reporter"])
    assert latest_rd(nghe_an) == (2024, 7.5)  # the approved value stays in force meanwhile
    approve_revisions(Observation.objects.filter(pk=correction.pk), reviewer=users["dost"])
    first.refresh_from_db()
    assert (first.status, first.value) == ("superseded", 7.5)  # kept, not overwritten
    assert latest_rd(nghe_an) == (2024, 8.0)
    # Its change history records the status change and who made it.
    assert [h.status for h in first.history.order_by("history_date")] == [
        "submitted",
        "approved",
        "superseded",
    ]


def test_of_two_pending_revisions_of_one_key_the_newest_wins(rd, users):
    older, newer = send(rd, 1, users["reporter"]), send(rd, 2, users["reporter"])
    assert approve_revisions(Observation.objects.all(), reviewer=users["dost"]) == 1
    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.status, newer.status) == ("superseded", "approved")


def test_returning_needs_a_comment_and_the_reporter_then_corrects_and_resubmits(rd, users):
    revision = send(rd, 75, users["reporter"])
    with pytest.raises(ReviewError):
        send_back(Observation.objects.all(), reviewer=users["dost"], comment="  ")
    assert send_back(Observation.objects.all(), reviewer=users["dost"], comment="7,5?") == 1
    revision.refresh_from_db()
    assert (revision.status, revision.review_comment) == ("returned", "7,5?")
    edit(revision, user=users["reporter"], submit_now=True, value=7.5)
    revision.refresh_from_db()
    assert (revision.status, revision.value) == ("submitted", 7.5)
    with pytest.raises(ReviewError):  # waiting for review: no longer the reporter's to change
        edit(revision, user=users["reporter"], submit_now=False, value=1)


def test_dost_approving_at_once_is_recorded(rd, users):
    submission, _revisions = submit(
        [Reported(rd.pk, 2024, 7.5)], user=users["dost"], agency=None, channel="import",
        approve=True,
    )  # fmt: skip
    obs = Observation.objects.get()
    assert submission.approved_at_once
    assert (obs.status, obs.reviewed_by, obs.reported_by) == (
        "approved",
        users["dost"],
        users["dost"],
    )
    assert obs.review_comment


def test_the_resolution_file_declares_how_indicators_are_reported(nghe_an):
    ip = Indicator.objects.get(code="IP_REGISTRATIONS")
    assert (ip.frequency, ip.breakdown, ip.headline, ip.integer) == (
        "quarter",
        "sector",
        "sum",
        True,
    )
    assert "Nhãn hiệu" in ip.sectors
    assert ip.agency.code == "SKHCN"
    hightech = Indicator.objects.get(code="HIGHTECH_MFG_SHARE")
    assert (hightech.frequency, hightech.value_max, hightech.jump_tolerance) == ("half", 100, 0.3)
    # DOST changes a setting; loading the file again restores what the file declares.
    Indicator.objects.filter(pk=hightech.pk).update(frequency="quarter")
    from stihub.monitoring.demo import NGHE_AN

    load_resolution(NGHE_AN)
    hightech.refresh_from_db()
    assert hightech.frequency == "half"
