"""The permission table: every route of the project, with each method, and who may use it.

`TABLE` is the declaration; the tests check that every URL pattern and API route has an entry
(so a route added without one fails, as `test_a_route_without_an_entry_is_caught` shows) and that
every role gets exactly the answer the table says: allowed, or refused (anonymous pages send to
sign-in, anonymous API calls and signed-in users get 403).
"""

from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse

from stihub.core.choices import Role
from stihub.monitoring.models import Indicator, Observation

from .conftest import sign_in

ROLES = ("anonymous", "outsider", "reporter", "reporter_b", "expert", "scientist", "dost", "admin")
EVERYONE = frozenset(ROLES)
DOST = frozenset({"dost", "admin"})
ADMIN = frozenset({"admin"})
SIGNED_IN = EVERYONE - {"anonymous"}
# The job of the `world` below was started by the reporter: they and DOST may follow it.
JOB_VIEWERS = frozenset({"reporter", "dost", "admin"})
# The action item of the `world` is led by the reporter's agency: they and DOST report on it.
ITEM_AGENCIES = frozenset({"reporter", "dost", "admin"})
# The indicator and the submission of the `world` belong to the reporter's agency (agency A):
# its reporters and DOST report, see and follow them; agency B's reporter may not.
AGENCY_A = frozenset({"reporter", "dost", "admin"})
REPORTERS = frozenset({"reporter", "reporter_b", "scientist", "dost", "admin"})
# The dossier of the `world` is the expert's (a draft, the call open): they edit it, DOST reads it.
DOSSIER_OWNER = frozenset({"expert"})
DOSSIER_VIEWERS = frozenset({"expert", "dost", "admin"})
# The scientist holds the `world`'s council seats (declaring on one council, reviewing on another).
SEAT_HOLDER = frozenset({"scientist"})

# The technology market of the `world`: the outsider's published offer, in which the expert
# expressed interest (a connection); the scientist's published need; a published fair whose
# registration is open, the reporter and the expert taking part.
OFFER_OWNER = frozenset({"outsider"})
NEED_JUDGES = frozenset({"scientist", "dost", "admin"})
FAIR_PARTICIPANTS = frozenset({"reporter", "expert"})

# (route name, method) -> roles allowed. Admin pages: see test_admin_pages_follow_the_rule.
TABLE = {
    ("home", "GET"): EVERYONE,
    ("health", "GET"): EVERYONE,
    ("login", "GET"): EVERYONE,
    ("login", "POST"): EVERYONE,
    ("logout", "POST"): EVERYONE,
    ("account", "GET"): SIGNED_IN,
    ("mfa_verify", "GET"): SIGNED_IN,
    ("mfa_verify", "POST"): SIGNED_IN,
    ("mfa_enrol", "GET"): SIGNED_IN,
    ("mfa_enrol", "POST"): SIGNED_IN,
    ("mfa_recovery_codes", "POST"): SIGNED_IN,
    ("password_change", "GET"): SIGNED_IN,
    ("password_change", "POST"): SIGNED_IN,
    ("password_change_done", "GET"): SIGNED_IN,
    ("password_reset", "GET"): EVERYONE,
    ("password_reset", "POST"): EVERYONE,
    ("password_reset_done", "GET"): EVERYONE,
    ("password_reset_confirm", "GET"): EVERYONE,
    ("password_reset_complete", "GET"): EVERYONE,
    ("set_language", "POST"): EVERYONE,
    ("history", "GET"): DOST,
    ("monitoring:default", "GET"): EVERYONE,
    ("monitoring:resolutions", "GET"): EVERYONE,
    ("monitoring:dashboard", "GET"): EVERYONE,
    ("monitoring:target", "GET"): EVERYONE,
    ("monitoring:resolution_data", "GET"): EVERYONE,
    ("monitoring:target_data", "GET"): EVERYONE,
    ("monitoring:import", "GET"): DOST,
    ("monitoring:import", "POST"): DOST,
    ("monitoring:revisions", "GET"): EVERYONE,
    ("reporting:home", "GET"): REPORTERS,
    ("reporting:enter", "GET"): AGENCY_A,
    ("reporting:enter", "POST"): AGENCY_A,
    ("reporting:enter_period", "GET"): AGENCY_A,
    ("reporting:enter_period", "POST"): AGENCY_A,
    ("reporting:template", "GET"): REPORTERS,
    ("reporting:upload", "GET"): REPORTERS,
    ("reporting:upload", "POST"): REPORTERS,
    ("reporting:preview", "GET"): AGENCY_A,
    ("reporting:preview", "POST"): AGENCY_A,
    ("reporting:submission", "GET"): AGENCY_A,
    ("reporting:submission", "POST"): DOST,
    ("reporting:review", "GET"): DOST,
    ("reporting:indicators", "GET"): DOST,
    ("reporting:indicator", "GET"): DOST,
    ("reporting:indicator", "POST"): DOST,
    ("reporting:reminders", "GET"): DOST,
    ("reports:list", "GET"): DOST,
    ("reports:list", "POST"): DOST,
    ("reports:download", "GET"): DOST,
    ("reports:templates", "GET"): DOST,
    ("reports:templates", "POST"): DOST,
    ("reports:bundled", "GET"): DOST,
    ("innovation:datasets", "GET"): EVERYONE,
    ("innovation:ranking", "GET"): EVERYONE,
    ("innovation:results", "GET"): EVERYONE,
    ("innovation:profile", "GET"): EVERYONE,
    ("innovation:planner", "GET"): EVERYONE,
    ("innovation:planner", "POST"): EVERYONE,
    ("innovation:edit", "POST"): EVERYONE,
    ("innovation:upload", "GET"): DOST,
    ("innovation:upload", "POST"): DOST,
    ("innovation:publish", "GET"): DOST,
    ("innovation:publish", "POST"): DOST,
    ("innovation:official", "POST"): DOST,
    ("innovation:workbook", "GET"): DOST,
    ("programme:items", "GET"): EVERYONE,
    ("programme:export", "GET"): EVERYONE,
    ("programme:item", "GET"): EVERYONE,
    ("programme:create", "GET"): DOST,
    ("programme:create", "POST"): DOST,
    ("programme:edit", "GET"): DOST,
    ("programme:edit", "POST"): DOST,
    ("programme:load", "GET"): DOST,
    ("programme:load", "POST"): DOST,
    ("programme:add_update", "GET"): ITEM_AGENCIES,
    ("programme:add_update", "POST"): ITEM_AGENCIES,
    ("programme:evidence", "GET"): ITEM_AGENCIES,
    ("action-item-list", "GET"): EVERYONE,
    ("action-item-detail", "GET"): EVERYONE,
    ("jobs:detail", "GET"): JOB_VIEWERS,
    ("jobs:status", "GET"): JOB_VIEWERS,
    ("api-root", "GET"): EVERYONE,
    ("schema", "GET"): EVERYONE,
    ("api-docs", "GET"): EVERYONE,
    ("resolution-list", "GET"): EVERYONE,
    ("resolution-detail", "GET"): EVERYONE,
    ("target-list", "GET"): EVERYONE,
    ("target-detail", "GET"): EVERYONE,
    ("observation-list", "GET"): EVERYONE,
    ("observation-list", "POST"): REPORTERS,
    ("observation-detail", "GET"): EVERYONE,
    ("observation-approve", "POST"): DOST,
    ("observation-return", "POST"): DOST,
    ("me-list", "GET"): SIGNED_IN,
    ("registry:home", "GET"): EVERYONE,
    ("registry:list", "GET"): EVERYONE,
    ("registry:detail", "GET"): EVERYONE,
    ("registry:create", "GET"): DOST,
    ("registry:create", "POST"): DOST,
    ("registry:edit", "GET"): DOST,
    ("registry:edit", "POST"): DOST,
    ("registry:export", "GET"): DOST,
    ("registry:template", "GET"): DOST,
    ("registry:import", "GET"): DOST,
    ("registry:import", "POST"): DOST,
    ("registry:access_log", "GET"): DOST,
    ("registry:duplicates", "GET"): DOST,
    ("registry:merge", "GET"): DOST,
    ("registry:merge", "POST"): DOST,
    ("registry:consent", "GET"): DOST,
    ("registry:consent", "POST"): DOST,
    ("registry:person_export", "GET"): DOST,
    ("registry:erase", "GET"): DOST,
    ("registry:erase", "POST"): DOST,
    ("registry:series", "GET"): DOST,
    ("registry:series", "POST"): DOST,
    ("expert-list", "GET"): EVERYONE,
    ("expert-detail", "GET"): EVERYONE,
    ("organization-list", "GET"): EVERYONE,
    ("organization-detail", "GET"): EVERYONE,
    ("enterprise-list", "GET"): EVERYONE,
    ("enterprise-detail", "GET"): EVERYONE,
    ("ip-list", "GET"): EVERYONE,
    ("ip-detail", "GET"): EVERYONE,
    ("infrastructure-list", "GET"): EVERYONE,
    ("infrastructure-detail", "GET"): EVERYONE,
    ("api_tokens", "GET"): DOST,
    ("api_token_revoke", "POST"): DOST,
    # S&T tasks: the `world`'s task is public (its call is open); its dossier is the expert's,
    # and the scientist sits on the councils of a second task that is not public.
    ("tasks:register", "GET"): EVERYONE,
    ("tasks:detail", "GET"): EVERYONE,
    ("tasks:propose", "GET"): SIGNED_IN,
    ("tasks:propose", "POST"): SIGNED_IN,
    ("tasks:mine", "GET"): SIGNED_IN,
    ("tasks:apply", "GET"): SIGNED_IN,
    ("tasks:apply", "POST"): SIGNED_IN,
    ("tasks:dossier", "GET"): DOSSIER_VIEWERS,
    ("tasks:dossier_edit", "GET"): DOSSIER_OWNER,
    ("tasks:dossier_edit", "POST"): DOSSIER_OWNER,
    ("tasks:dossier_file", "POST"): DOSSIER_OWNER,
    ("tasks:dossier_submit", "POST"): DOSSIER_OWNER,
    ("tasks:file", "GET"): DOSSIER_VIEWERS,
    ("tasks:inbox", "GET"): SIGNED_IN,
    ("tasks:declare", "GET"): SEAT_HOLDER,
    ("tasks:declare", "POST"): SEAT_HOLDER,
    ("tasks:review", "GET"): SEAT_HOLDER,
    ("tasks:review", "POST"): SEAT_HOLDER,
    ("tasks:board", "GET"): DOST,
    ("tasks:advance", "POST"): DOST,
    ("tasks:record", "POST"): DOST,
    ("tasks:dossier_check", "POST"): DOST,
    ("tasks:past_import", "GET"): DOST,
    ("tasks:past_import", "POST"): DOST,
    ("tasks:conflicts", "GET"): DOST,
    ("tasks:conflicts", "POST"): DOST,
    ("tasks:council_new", "GET"): DOST,
    ("tasks:council_new", "POST"): DOST,
    ("tasks:council", "GET"): DOST,
    ("tasks:council_assign", "POST"): DOST,
    ("tasks:council_replace", "POST"): DOST,
    ("tasks:council_conclude", "POST"): DOST,
    ("tasks:minutes", "GET"): DOST,
    ("tasks:profiles", "GET"): DOST,
    ("tasks:profile", "GET"): DOST,
    ("tasks:profile_new", "GET"): DOST,
    ("tasks:profile_new", "POST"): DOST,
    ("task-list", "GET"): EVERYONE,
    ("task-detail", "GET"): EVERYONE,
    # The technology market. A connection the user is no party to is a 404 (counted allowed).
    ("market:market", "GET"): EVERYONE,
    ("market:detail", "GET"): EVERYONE,
    ("market:new", "GET"): SIGNED_IN,
    ("market:new", "POST"): SIGNED_IN,
    ("market:mine", "GET"): SIGNED_IN,
    ("market:edit", "GET"): OFFER_OWNER,
    ("market:edit", "POST"): OFFER_OWNER,
    ("market:renew", "POST"): OFFER_OWNER,
    ("market:withdraw", "POST"): OFFER_OWNER,
    ("market:feedback", "POST"): NEED_JUDGES,
    ("market:moderation", "GET"): DOST,
    ("market:moderate", "POST"): DOST,
    ("market:import", "GET"): DOST,
    ("market:import", "POST"): DOST,
    ("market:export", "GET"): DOST,
    ("market:interest", "GET"): SIGNED_IN - OFFER_OWNER,
    ("market:interest", "POST"): SIGNED_IN - OFFER_OWNER,
    ("market:connections", "GET"): SIGNED_IN,
    ("market:connection", "GET"): SIGNED_IN,
    ("market:connection_step", "POST"): SIGNED_IN,
    ("market:connection_broker", "POST"): DOST,
    ("market:report", "GET"): DOST,
    ("market:fairs", "GET"): EVERYONE,
    ("market:fair_new", "GET"): DOST,
    ("market:fair_new", "POST"): DOST,
    ("market:fair", "GET"): EVERYONE,
    ("market:fair_edit", "GET"): DOST,
    ("market:fair_edit", "POST"): DOST,
    ("market:fair_register", "GET"): SIGNED_IN,
    ("market:fair_register", "POST"): SIGNED_IN,
    ("market:fair_request", "POST"): FAIR_PARTICIPANTS,
    ("market:fair_schedule", "GET"): FAIR_PARTICIPANTS | DOST,
    ("market:fair_schedule", "POST"): DOST,
    ("market:meeting", "POST"): DOST,
    ("market-offer-list", "GET"): EVERYONE,
    ("market-offer-detail", "GET"): EVERYONE,
    ("market-need-list", "GET"): EVERYONE,
    ("market-need-detail", "GET"): EVERYONE,
}


def routes(patterns, namespace=None, prefix=""):
    """(name, methods, route) for every pattern outside the admin; DRF routes carry the
    methods their viewset answers."""
    for p in patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith("admin/"):
                continue
            ns = ":".join(filter(None, [namespace, p.namespace])) or None
            yield from routes(p.url_patterns, ns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            actions = getattr(p.callback, "actions", None) or {}
            methods = sorted(m.upper() for m in actions if m != "head")  # HEAD is GET
            yield name, methods, prefix + str(p.pattern)


def uncovered(resolver) -> list[str]:
    """Routes (and API methods) that the table does not mention."""
    declared = {name for name, _method in TABLE}
    missing = []
    for name, methods, route in routes(resolver.url_patterns):
        if name not in declared:
            missing.append(name or route)
        for method in methods:
            if (name, method) not in TABLE:
                missing.append(f"{method} {name}")
    return missing


def test_every_route_has_an_entry_in_the_table():
    assert uncovered(get_resolver()) == []


def test_every_project_view_names_its_permission():
    """Pages carry `@require(perm)`, API views a `permissions` map: no view is open by default."""
    unnamed = []
    for p in walk(get_resolver().url_patterns):
        view = p.callback
        api = getattr(view, "cls", None)
        named = hasattr(view, "permission") or bool(api and getattr(api, "permissions", None))
        if view.__module__.startswith("stihub.") and not named:
            unnamed.append(str(p.pattern))
    assert unnamed == []


def walk(patterns):
    """Every pattern outside the admin (whose site asks `core.use_admin` for every page)."""
    for p in patterns:
        if isinstance(p, URLResolver):
            if not str(p.pattern).startswith("admin/"):
                yield from walk(p.url_patterns)
        else:
            yield p


def _unguarded(request):  # a view someone forgot to declare
    return None


urlpatterns = [*get_resolver().url_patterns, path("forgotten/", _unguarded, name="forgotten")]


def test_a_route_without_an_entry_is_caught():
    assert uncovered(get_resolver(__name__)) == ["forgotten"]


@pytest.fixture
def world(nghe_an, users, tmp_path):
    from stihub.innovation.demo import PROVINCE, build_sample_index

    observation = Observation.objects.create(
        status="approved",
        indicator=Indicator.objects.get(code="RD_FTE_PER_10K"),
        year=2024,
        value=5,
    )
    dataset = build_sample_index()
    target = nghe_an.targets.get(code="CT10")
    from stihub.jobs.models import Job

    job = Job.objects.create(kind="import_observations", created_by=users["reporter"])
    from stihub.programme.models import ActionItem

    item = ActionItem.objects.create(
        solution_group=nghe_an.solution_groups.first(),
        code="CTHD-01",
        title="Action item",
        lead_agency=users["reporter"].role_assignments.get().agency,
        deadline="2030-12-31",
    )
    update = item.updates.create(text="Started", percent_done=10)
    evidence = update.evidence.create(
        file=ContentFile(b"%PDF-1.4 evidence", name="e.pdf"), name="e.pdf", size=17
    )
    from stihub.core.models import ApiToken
    from stihub.core.tokens import issue

    issue(users["reporter"])
    token = ApiToken.objects.get(user=users["reporter"])
    from stihub.monitoring.models import Submission

    agency_a = users["reporter"].role_assignments.get().agency
    Indicator.objects.filter(pk=observation.indicator_id).update(agency=agency_a)
    submission = Submission.objects.create(
        agency=agency_a, created_by=users["reporter"], channel="excel", is_committed=False
    )
    from stihub.reports.models import GeneratedReport

    report = GeneratedReport.objects.create(
        resolution=nghe_an,
        year=2024,
        format="xlsx",
        created_by=users["dost"],
        file=ContentFile(b"PK report", name="report.xlsx"),
    )
    from stihub.registry.models import DuplicateCandidate, Expert, Organization

    organization = Organization.objects.create(code="VIEN-X", name="Viện X", kind="st_organization")
    expert = Expert.objects.create(full_name="Lê Thị Hoa", location="province", public_consent=True)
    twin = Expert.objects.create(full_name="Lê Thị Hoa", location="province")
    duplicate = DuplicateCandidate.objects.create(
        registry="experts", first_id=expert.pk, second_id=twin.pk, reason="name"
    )
    from stihub.registry.models import Enterprise, Infrastructure, IPObject

    enterprise = Enterprise.objects.create(
        tax_code="0100109106", name="Công ty X", st_cert_date="2024-01-02"
    )
    ip = IPObject.objects.create(
        kind="invention", application_no="1-2024-00001", filed_on="2024-01-02", title="Sáng chế X",
        applicant_name="Công ty X", applicant_enterprise=enterprise, status="granted",
    )  # fmt: skip
    infrastructure = Infrastructure.objects.create(
        kind="laboratory", name="Phòng thí nghiệm X", organization=organization
    )
    return SimpleNamespace(
        organization=organization,
        expert=expert,
        enterprise=enterprise,
        ip=ip,
        infrastructure=infrastructure,
        duplicate=duplicate,
        resolution=nghe_an,
        report=report,
        target=target,
        observation=observation,
        dataset=dataset,
        unit=PROVINCE,
        job=job,
        token=token,
        item=item,
        evidence=evidence,
        submission=submission,
        **tasks_world(users, organization),
        **market_world(users),
    )


def market_world(users) -> dict:
    """The outsider's published offer with the expert's interest in it, the scientist's
    published need, and a published fair (registration open) where the reporter asked the
    expert for a meeting, scheduled."""
    import datetime as dt

    from django.utils import timezone

    from stihub.market import brokerage, listings
    from stihub.market.models import Fair, Listing, Meeting, MeetingRequest, Participant

    today = timezone.localdate()

    def published(kind, owner, title):
        listing = Listing(
            kind=kind, title=title, summary="Tóm tắt đủ dài của tin đăng này.",
            expires_on=today + dt.timedelta(days=30), owner=users[owner], owner_name="Viện X",
            contact_name="Nguyễn Văn A", contact_email="a@example.vn",
        )  # fmt: skip
        listings.save_new(listing, submit=True)
        return listings.moderate(listing, users["dost"], "published")

    offer = published("offer", "outsider", "Vắc xin phòng bệnh hô hấp cho gà")
    need = published("need", "scientist", "Gà chết nhiều khi trời nồm ẩm")
    connection = brokerage.express_interest(offer, users["expert"], "Chuyên gia", "Quan tâm")
    fair = Fair.objects.create(
        code="ketnoi-test", kind="connection", title="Kết nối cung cầu (test)", venue="Vinh",
        starts_on=today + dt.timedelta(days=20), ends_on=today + dt.timedelta(days=20),
        registration_closes_on=today + dt.timedelta(days=10), published=True,
    )  # fmt: skip
    first = Participant.objects.create(
        fair=fair, user=users["reporter"], name="Sở Công Thương", role="exhibitor"
    )
    second = Participant.objects.create(
        fair=fair, user=users["expert"], name="Chuyên gia", role="visitor"
    )
    asked = MeetingRequest.objects.create(fair=fair, requester=first, counterpart=second)
    starts = timezone.now() + dt.timedelta(days=20)
    meeting = Meeting.objects.create(
        fair=fair, request=asked, first=first, second=second, starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=20), table="T1",
    )  # fmt: skip
    return {
        "offer": offer,
        "need": need,
        "connection": connection,
        "fair": fair,
        "meeting": meeting,
    }


def tasks_world(users, organization) -> dict:
    """A public task with an open call and the expert's draft dossier (with a file); a second,
    unpublished task whose councils seat the scientist: declaring on one, reviewing on the other."""
    import datetime as dt

    from django.utils import timezone

    from stihub.registry.models import Expert
    from stihub.tasks import profiles
    from stihub.tasks.models import Council, CouncilMember, Dossier, Review, Task

    today = timezone.localdate()
    task = Task.objects.create(
        code="ĐX-2026-901", kind="research", title="Nhiệm vụ đang gọi hồ sơ", summary="Tóm tắt",
        proposer=users["outsider"], profile=profiles.current(), step="call",
        call_opens_on=today - dt.timedelta(days=5), call_closes_on=today + dt.timedelta(days=30),
    )  # fmt: skip
    dossier = Dossier.objects.create(
        task=task, applicant=users["expert"], host_org=organization, objectives="x", content="x",
        products="x", duration_months=12, budget_state=100,
    )  # fmt: skip
    file = dossier.files.create(
        kind="application", name="don.pdf", file=ContentFile(b"%PDF-1.4 don", name="don.pdf")
    )
    hidden = Task.objects.create(
        code="ĐX-2026-902", kind="research", title="Đề xuất chưa công bố", summary="Tóm tắt",
        proposer=users["outsider"], profile=profiles.current(), step="identification",
    )  # fmt: skip
    seat_expert = Expert.objects.create(
        full_name="Nhà khoa học", location="province", user=users["scientist"]
    )
    declaring = Council.objects.create(task=hidden, kind="identification", status="declaring")
    seat = CouncilMember.objects.create(council=declaring, expert=seat_expert, role="chair")
    reviewing = Council.objects.create(task=hidden, kind="acceptance", status="reviewing")
    sitting = CouncilMember.objects.create(
        council=reviewing, expert=seat_expert, role="chair", no_conflict=True
    )
    review = Review.objects.create(member=sitting)
    return {
        "task": task,
        "dossier": dossier,
        "dossier_file": file,
        "seat": seat,
        "review": review,
        "council": reviewing,
        "profile": task.profile,
    }


def url_of(name: str, w) -> str:
    res, ds = {"code": w.resolution.code}, {"code": w.dataset.code, "year": w.dataset.year}
    kwargs = {
        "history": {"app_label": "monitoring", "model_name": "target", "pk": w.target.pk},
        "password_reset_confirm": {"uidb64": "MQ", "token": "not-a-token"},
        "monitoring:dashboard": res,
        "monitoring:resolution_data": {**res, "fmt": "csv"},
        "monitoring:target": {**res, "target_code": w.target.code},
        "monitoring:target_data": {**res, "target_code": w.target.code, "fmt": "csv"},
        "innovation:ranking": ds,
        "innovation:results": ds,
        "innovation:publish": ds,
        "innovation:official": ds,
        "innovation:workbook": ds,
        "innovation:profile": {**ds, "unit": w.unit},
        "innovation:planner": {**ds, "unit": w.unit},
        "innovation:edit": {**ds, "unit": w.unit},
        "programme:export": {"fmt": "csv"},
        "programme:item": {"pk": w.item.pk},
        "programme:edit": {"pk": w.item.pk},
        "programme:add_update": {"pk": w.item.pk},
        "programme:evidence": {"pk": w.evidence.pk},
        "action-item-detail": {"pk": w.item.pk},
        "jobs:detail": {"pk": w.job.pk},
        "jobs:status": {"pk": w.job.pk},
        "resolution-detail": res,
        "target-detail": {"pk": w.target.pk},
        "observation-detail": {"pk": w.observation.pk},
        "api_token_revoke": {"pk": w.token.pk},
        "monitoring:revisions": {"pk": w.observation.pk},
        "reporting:enter": {"indicator": "RD_FTE_PER_10K", "year": 2025},
        "reporting:enter_period": {"indicator": "RD_FTE_PER_10K", "year": 2025, "period": "Y"},
        "reporting:preview": {"pk": w.submission.pk},
        "reporting:submission": {"pk": w.submission.pk},
        "reporting:indicator": {"code": "RD_FTE_PER_10K"},
        "reports:download": {"pk": w.report.pk},
        "reports:bundled": {"key": "nd30"},
        "observation-approve": {"pk": w.observation.pk},
        "observation-return": {"pk": w.observation.pk},
        "registry:list": {"registry": "experts"},
        "registry:detail": {"registry": "experts", "pk": w.expert.pk},
        "registry:create": {"registry": "organizations"},
        "registry:edit": {"registry": "organizations", "pk": w.organization.pk},
        "registry:export": {"registry": "organizations", "fmt": "csv"},
        "registry:template": {"registry": "organizations"},
        "registry:import": {"registry": "organizations"},
        "registry:merge": {"pk": w.duplicate.pk},
        "registry:consent": {"pk": w.expert.pk},
        "registry:person_export": {"pk": w.expert.pk},
        "registry:erase": {"pk": w.expert.pk},
        "expert-detail": {"pk": w.expert.pk},
        "organization-detail": {"pk": w.organization.pk},
        "enterprise-detail": {"pk": w.enterprise.pk},
        "ip-detail": {"pk": w.ip.pk},
        "infrastructure-detail": {"pk": w.infrastructure.pk},
        "tasks:detail": {"pk": w.task.pk},
        "tasks:apply": {"pk": w.task.pk},
        "tasks:dossier": {"pk": w.dossier.pk},
        "tasks:dossier_edit": {"pk": w.dossier.pk},
        "tasks:dossier_file": {"pk": w.dossier.pk},
        "tasks:dossier_submit": {"pk": w.dossier.pk},
        "tasks:file": {"pk": w.dossier_file.pk},
        "tasks:declare": {"pk": w.seat.pk},
        "tasks:review": {"pk": w.review.pk},
        "tasks:advance": {"pk": w.task.pk},
        "tasks:record": {"pk": w.task.pk},
        "tasks:dossier_check": {"pk": w.dossier.pk},
        "tasks:council_new": {"pk": w.task.pk, "kind": "selection"},
        "tasks:council": {"pk": w.council.pk},
        "tasks:council_assign": {"pk": w.council.pk},
        "tasks:council_replace": {"pk": w.council.pk, "member": w.review.member_id},
        "tasks:council_conclude": {"pk": w.council.pk},
        "tasks:minutes": {"pk": w.council.pk},
        "tasks:profile": {"pk": w.profile.pk},
        "task-detail": {"pk": w.task.pk},
        "market:detail": {"pk": w.offer.pk},
        "market:new": {"kind": "need"},
        "market:edit": {"pk": w.offer.pk},
        "market:renew": {"pk": w.offer.pk},
        "market:withdraw": {"pk": w.offer.pk},
        "market:feedback": {"pk": w.need.pk},
        "market:moderate": {"pk": w.offer.pk},
        "market:interest": {"pk": w.offer.pk},
        "market:connection": {"pk": w.connection.pk},
        "market:connection_step": {"pk": w.connection.pk},
        "market:connection_broker": {"pk": w.connection.pk},
        "market:fair": {"pk": w.fair.pk},
        "market:fair_edit": {"pk": w.fair.pk},
        "market:fair_register": {"pk": w.fair.pk},
        "market:fair_request": {"pk": w.fair.pk},
        "market:fair_schedule": {"pk": w.fair.pk},
        "market:meeting": {"pk": w.meeting.pk},
        "market-offer-detail": {"pk": w.offer.pk},
        "market-need-detail": {"pk": w.need.pk},
    }.get(name, {})
    return reverse(name, kwargs=kwargs)


def answer(client, method: str, url: str) -> str:
    """'allowed', 'sign-in' or 'forbidden', from the response."""
    response = client.generic(method, url)
    if response.status_code == 403:
        return "forbidden"
    if response.status_code == 302 and response.url.startswith(reverse("login") + "?"):
        return "sign-in"
    assert response.status_code < 500
    return "allowed"


def test_every_role_gets_what_the_table_says(client, world, users):
    wrong = []
    for (name, method), allowed in TABLE.items():
        url = url_of(name, world)
        for role in ROLES:
            client.logout()
            if role != "anonymous":
                sign_in(client, users[role])
            got = answer(client, method, url)
            api = url.startswith("/api/")
            refusal = "forbidden" if role != "anonymous" or api else "sign-in"
            expected = "allowed" if role in allowed else refusal
            if got != expected:
                wrong.append(f"{method} {url} as {role}: {got}, table says {expected}")
    assert wrong == []


def test_admin_pages_follow_the_rule(client, users):
    from django.contrib import admin

    urls = [reverse("admin:index")] + [
        reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist")
        for m in admin.site._registry
    ]
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            sign_in(client, users[role])
        for url in urls:
            status = client.get(url).status_code
            assert (status == 200) == (role in ADMIN), (role, url, status)


def test_a_user_may_hold_several_roles(users, agency, agency_b):
    scientist = users["scientist"]
    assert {a.role for a in scientist.role_assignments.all()} == {Role.EXPERT, Role.AGENCY_REPORTER}
    assert scientist.has_perm("core.submit_for_agency", agency_b)
    assert not scientist.has_perm("core.submit_for_agency", agency)
    assert not users["reporter_b"].has_perm("core.submit_for_agency", agency)
    assert users["dost"].has_perm("core.submit_for_agency", agency)
    assert not scientist.has_perm("core.view_history")


def test_an_inactive_user_holds_no_role(users):
    dost = users["dost"]
    dost.is_active = False
    dost.save()
    dost.refresh_from_db()
    assert not dost.has_perm("core.view_history")
