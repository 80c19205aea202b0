"""The S&T tasks' demo: loads twice without change, puts tasks at the planned steps with their
councils and conclusions, fills every audited model of the app, and its declared ties and
sanction are honoured by the council suggestion."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from stihub.core.models import AuditedModel, User
from stihub.registry.models import Expert
from stihub.tasks import councils
from stihub.tasks.demo import ACCOUNTS, PAST, TASKS
from stihub.tasks.models import (
    Council,
    CouncilMember,
    ExpertTie,
    PastTask,
    Review,
    Sanction,
    Task,
    TaskEvent,
)


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The demo loaded once for the module, in a transaction rolled back after its tests (each
    test runs in a savepoint of it): the database is left as it was found."""
    with django_db_blocker.unblock(), override_settings(DEBUG=True), transaction.atomic():
        call_command("demo")
        models = (Task, Council, Review, PastTask, TaskEvent, ExpertTie, Sanction)
        counts = {m.__name__: m.objects.count() for m in models}
        call_command("demo")  # a second run changes nothing
        assert {m.__name__: m.objects.count() for m in models} == counts
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded, db):
    return None


def test_the_tasks_stand_at_the_planned_steps(demo):
    steps = dict(Task.objects.values_list("code", "step"))
    assert steps == {code: step for step, (code, *_rest) in TASKS.items()}
    assert PastTask.objects.count() == len(PAST)
    # every step change was recorded (the tasks were walked through the services)
    published = Task.objects.get(code=TASKS["published"][0])
    walked = list(published.events.values_list("to_step", flat=True))
    assert walked == [
        "identification", "approved", "call", "completeness", "selection", "appraisal",
        "decision", "contract", "execution", "acceptance", "registration", "published",
    ]  # fmt: skip
    assert published.grade == "pass" and published.results and published.registration_no
    assert published.records.filter(kind="application").exists()
    assert Task.objects.get(code=TASKS["execution"][0]).records.filter(kind="progress").count() == 2


def test_councils_are_concluded_by_the_profile(demo):
    published = Task.objects.get(code=TASKS["published"][0])
    acceptance = published.councils.get(kind="acceptance")
    # 2 excellent, 4 pass, 1 fail among 7 present: pass (6 of 7 pass or better >= ceil(3/4 × 7) =
    # 6) but not excellent (2 excellent < ceil(2/3 × 7) = 5)
    assert acceptance.status == "concluded"
    assert acceptance.conclusion["grade"] == "pass"
    assert acceptance.conclusion["counts"] == {"excellent": 2, "pass": 4, "fail": 1}
    selection = published.councils.get(kind="selection")
    assert selection.conclusion["winner"] == published.dossiers.get(status="selected").pk
    rejected = Task.objects.get(code=TASKS["rejected"][0]).councils.get()
    # 3 recommend of 7 present < ceil(2/3 × 7) = 5: not recommended
    assert (rejected.conclusion["passed"], rejected.conclusion["yes"]) == (False, 3)
    execution = Task.objects.get(code=TASKS["execution"][0]).councils.get(kind="selection")
    winner = next(d for d in execution.conclusion["dossiers"] if d["passed"])
    assert winner["outliers"], "one member scored the winner far below the others: flagged"


def test_demo_members_have_work_in_their_inbox(demo):
    seats = CouncilMember.objects.filter(expert__user__username="council1")
    declaring = seats.get(council__status="declaring")
    assert declaring.no_conflict is None  # to declare before seeing the papers
    seats = CouncilMember.objects.filter(expert__user__username="council2")
    reviewing = seats.get(council__status="reviewing")
    assert reviewing.reviews.filter(submitted_at__isnull=True).count() == 2  # both dossiers
    applicant = User.objects.get(username="applicant")
    assert applicant.expert.task_teams.filter(role="lead").exists()
    assert {u for u, _n, _r in ACCOUNTS} <= set(User.objects.values_list("username", flat=True))


def test_the_suggestion_honours_the_ties_and_the_sanction(demo):
    task = Task.objects.get(code=TASKS["selection"][0])
    lead = User.objects.get(username="applicant").expert
    relative = ExpertTie.objects.get(expert=lead, kind="relative").other
    coauthor = ExpertTie.objects.get(expert=lead, kind="coauthor").other
    sanctioned = Sanction.objects.get().expert
    excluded = councils.suggestion(task, "selection")["excluded"]
    assert excluded[str(relative.pk)] == "relative"
    assert excluded[str(coauthor.pk)] == "coauthor"
    assert excluded[str(sanctioned.pk)] == "sanctioned"
    assert excluded[str(lead.pk)] == "applicant"
    # and the council formed on the demo recorded the same reasons
    council = task.councils.get(kind="selection")
    kept = dict(council.exclusions.values_list("expert_id", "reason"))
    assert kept[relative.pk] == "relative" and kept[sanctioned.pk] == "sanctioned"
    assert not council.members.filter(expert__in=[relative, coauthor, sanctioned]).exists()


def test_every_audited_model_of_the_app_has_a_demo_row(demo):
    models = [
        m
        for m in apps.get_app_config("tasks").get_models()
        if issubclass(m, AuditedModel) and not m.__name__.startswith("Historical")
    ]
    assert [m.__name__ for m in models if not m.objects.exists()] == []
    assert Expert.objects.filter(user__isnull=False).count() >= 3


def test_the_minutes_of_every_concluded_demo_council_render(demo):
    """The minutes read what `councils.conclude` really wrote, for each kind of council."""
    from stihub.tasks.minutes import minutes_context, render_minutes

    concluded = Council.objects.filter(status="concluded")
    assert {c.kind for c in concluded} == {"identification", "selection", "acceptance"}
    for council in concluded:
        found = minutes_context(council)
        assert found["present"] == council.conclusion["present"] and found["verdict"]
        assert render_minutes(council)[:2] == b"PK"  # a .docx is a zip file
    published = Task.objects.get(code=TASKS["published"][0])
    found = minutes_context(published.councils.get(kind="selection"))
    winner = published.dossiers.get(status="selected").host_org.name
    assert found["winner"] == winner and winner in found["verdict"]
    found = minutes_context(published.councils.get(kind="acceptance"))
    assert found["grade_label"] == "Đạt"
