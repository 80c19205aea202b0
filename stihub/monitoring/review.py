"""The review workflow of reported values: submit, approve, return, correct.

Every way a value enters the platform (web form, Excel upload, API, DOST's file import, the
innovation analyser's publication) ends here: `submit` records a submission and its revisions;
`approve` publishes revisions (the value each replaces becomes superseded, in the same
transaction, so a key never has two values in force and never none while one is replaced);
`send_back` returns them with a comment. DOST may approve at once (`submit(..., approve=True)`),
which the submission records. Writes are bulk queries, so a 10,000-row file is one statement per
step, with a history record per revision; they call `data_changed()` since bulk writes send
no signals.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from stihub.core.cache import data_changed

from .choices import EDITABLE, RevisionStatus
from .models import Observation, Submission

APPROVED_AT_ONCE = _("Approved by DOST when sent.")
# The fields a revision carries from what was reported (not its workflow fields).
BATCH = 2000
REPORTED_FIELDS = ("value", "note", "source", "agency_id", "is_sample", "explanation")


class ReviewError(ValueError):
    """The action does not apply to the revision in its state; the message says why."""


@dataclass(frozen=True)
class Reported:
    """A value as reported, before it is a revision: the key, the value and its provenance."""

    indicator_id: int
    year: int
    value: float
    period: str = ""
    area: str = ""
    note: str = ""
    source: str = ""
    agency_id: int | None = None
    is_sample: bool = False
    explanation: str = ""

    @property
    def key(self):
        return (self.indicator_id, self.year, self.period, self.area)


def published_values(keys: Iterable[tuple]) -> dict[tuple, Observation]:
    """{(indicator id, year, period, area): the approved revision} for the keys that have one."""
    keys = set(keys)
    indicators = {key[0] for key in keys}
    found = {}
    for obs in Observation.objects.published().filter(indicator_id__in=indicators).iterator():
        key = (obs.indicator_id, obs.year, obs.period, obs.area)
        if key in keys:
            found[key] = obs
    return found


def unchanged(reported: Reported, current: Observation | None) -> bool:
    """Whether a reported value only repeats the value in force (nothing to review)."""
    return current is not None and all(
        getattr(current, name) == getattr(reported, name)
        for name in REPORTED_FIELDS
        if name != "explanation"
    )


@transaction.atomic
def submit(
    reported: list[Reported],
    *,
    user,
    agency,
    channel: str,
    approve: bool = False,
    draft: bool = False,
    input_name: str = "",
    submission: Submission | None = None,
) -> tuple[Submission, list[Observation]]:
    """Record a submission and one submitted (or draft) revision per reported value.

    `approve`: DOST approves at once; recorded on the submission and as the review comment.
    An existing `submission` (an Excel upload waiting for confirmation) is committed instead of
    a new one being created.
    """
    now = timezone.now()
    if submission is None:
        submission = Submission.objects.create(
            agency=agency, created_by=user, channel=channel, input_name=input_name
        )
    submission.is_committed = True
    submission.approved_at_once = approve
    submission.save(update_fields=["is_committed", "approved_at_once", "updated_at"])
    status = RevisionStatus.DRAFT if draft else RevisionStatus.SUBMITTED
    revisions = bulk_create_with_history(
        [
            Observation(
                **{name: getattr(r, name) for name in REPORTED_FIELDS},
                indicator_id=r.indicator_id,
                year=r.year,
                period=r.period,
                area=r.area,
                status=status,
                submission=submission,
                reported_by=user,
                submitted_at=None if draft else now,
            )
            for r in reported
        ],
        Observation,
        batch_size=BATCH,
        default_user=user,
    )
    data_changed()
    if approve and revisions:
        approve_revisions(
            Observation.objects.filter(submission=submission),
            reviewer=user,
            comment=str(APPROVED_AT_ONCE),
        )
    return submission, revisions


def _save(objs, values: dict, user) -> None:
    """Write `values` to the revisions `objs` in one UPDATE, and one history record each (who,
    when, before → after); far faster than a bulk update by CASE for 10,000 revisions."""
    if not objs:
        return
    for obj in objs:
        for name, value in values.items():
            setattr(obj, name, value)
    pks = [obj.pk for obj in objs]
    for start in range(0, len(pks), BATCH):  # within every database's limit of parameters
        Observation.objects.filter(pk__in=pks[start : start + BATCH]).update(**values)
    Observation.history.bulk_history_create(objs, batch_size=BATCH, update=True, default_user=user)


@transaction.atomic
def approve_revisions(revisions, *, reviewer, comment: str = "") -> int:
    """Publish the submitted revisions among `revisions` (a queryset); returns how many.

    Where several of them share a key, the newest wins and the others are superseded at once.
    The values they replace become superseded (written first: a key never has two in force).
    """
    pending = list(
        revisions.select_for_update().filter(status=RevisionStatus.SUBMITTED).order_by("pk")
    )
    if not pending:
        return 0
    newest = {}
    for obs in pending:
        newest[(obs.indicator_id, obs.year, obs.period, obs.area)] = obs
    winners = {obs.pk for obs in newest.values()}
    now = timezone.now()
    same_key = Observation.objects.filter(
        pk__in=winners,
        indicator_id=OuterRef("indicator_id"),
        year=OuterRef("year"),
        period=OuterRef("period"),
        area=OuterRef("area"),
    )
    replaced = list(Observation.objects.published().filter(Exists(same_key)))
    _save(replaced, {"status": RevisionStatus.SUPERSEDED, "updated_at": now}, reviewer)
    review = {"reviewed_by": reviewer, "reviewed_at": now, "review_comment": comment}
    review |= {"updated_at": now}
    losers = [obs for obs in pending if obs.pk not in winners]
    _save(losers, {"status": RevisionStatus.SUPERSEDED, **review}, reviewer)
    chosen = [obs for obs in pending if obs.pk in winners]
    _save(chosen, {"status": RevisionStatus.APPROVED, **review}, reviewer)
    data_changed()
    return len(winners)


@transaction.atomic
def send_back(revisions, *, reviewer, comment: str) -> int:
    """Return the submitted revisions among `revisions` to their reporters with a comment."""
    if not comment.strip():
        raise ReviewError(_("Say what needs correcting: a comment is required to return data."))
    pending = list(revisions.select_for_update().filter(status=RevisionStatus.SUBMITTED))
    now = timezone.now()
    values = {"status": RevisionStatus.RETURNED, "reviewed_by": reviewer, "reviewed_at": now}
    values |= {"review_comment": comment.strip(), "updated_at": now}
    _save(pending, values, reviewer)
    data_changed()
    return len(pending)


def approve(observation: Observation, *, reviewer, comment: str = "") -> Observation:
    """Approve one revision; ReviewError unless it is submitted."""
    if observation.status != RevisionStatus.SUBMITTED:
        raise ReviewError(
            _("Only submitted data can be approved; this is %(status)s.")
            % {"status": observation.get_status_display()}
        )
    approve_revisions(
        Observation.objects.filter(pk=observation.pk), reviewer=reviewer, comment=comment
    )
    observation.refresh_from_db()
    return observation


def return_(observation: Observation, *, reviewer, comment: str) -> Observation:
    """Return one revision with a comment; ReviewError unless it is submitted."""
    if observation.status != RevisionStatus.SUBMITTED:
        raise ReviewError(
            _("Only submitted data can be returned; this is %(status)s.")
            % {"status": observation.get_status_display()}
        )
    send_back(Observation.objects.filter(pk=observation.pk), reviewer=reviewer, comment=comment)
    observation.refresh_from_db()
    return observation


@transaction.atomic
def edit(observation: Observation, *, user, submit_now: bool, **values) -> Observation:
    """Change a draft or returned revision (its reporters' own) and keep it or submit it."""
    if observation.status not in EDITABLE:
        raise ReviewError(
            _("Only a draft or returned value can be changed; this is %(status)s.")
            % {"status": observation.get_status_display()}
        )
    for name, value in values.items():
        setattr(observation, name, value)
    observation.reported_by = user
    if submit_now:
        observation.status = RevisionStatus.SUBMITTED
        observation.submitted_at = timezone.now()
    observation.save()
    return observation


def history(observation: Observation):
    """Every revision of the observation's key, newest first, with the people and submission."""
    return (
        Observation.objects.same_key(observation)
        .select_related("reported_by", "reviewed_by", "agency", "submission")
        .order_by("-created_at", "-pk")
    )
