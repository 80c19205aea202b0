"""S&T tasks (nhiệm vụ khoa học và công nghệ) from proposal to published results.

A task keeps the regulation profile it started under (`RegulationProfile`, versioned data read by
`stihub.engines.regulation`). Its step changes are events (`TaskEvent`): who, when, from, to,
why. Councils are drawn from the expert registry with the council engine; each exclusion keeps
its reason. Applicants' dossiers hold the application forms as fields and the files beside them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stihub.core.models import AuditedModel
from stihub.registry.models import Expert, FieldOfScience, Organization, Searchable, split_list

from .choices import (
    ConflictReason,
    CouncilKind,
    CouncilRole,
    CouncilStatus,
    DossierFileKind,
    DossierStatus,
    RecordKind,
    Source,
    Step,
    TaskKind,
    TeamRole,
    TieKind,
)

USER = settings.AUTH_USER_MODEL


class RegulationProfile(AuditedModel):
    """A version of the rules tasks follow (quy định áp dụng): council size and quorum, pass
    shares, scoring forms, grading and deadlines, as data (`stihub/tasks/profiles/*.yaml`)."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=300)
    data = models.JSONField(_("rules"))
    effective_from = models.DateField(_("in force from"))
    note = models.TextField(_("what changed"), blank=True)
    created_by = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("regulation profile")
        verbose_name_plural = _("regulation profiles")
        ordering = ["-effective_from", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="tasks_profile_version")
        ]

    def __str__(self):
        return f"{self.title} (v{self.version})"


class Task(Searchable, AuditedModel):
    """An S&T task (nhiệm vụ KH&CN): from its proposal (đề xuất đặt hàng) to its results."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=TaskKind.choices)
    title = models.CharField(_("title"), max_length=500)
    summary = models.TextField(_("summary"), help_text=_("Need, objectives and expected results."))
    keywords = models.CharField(
        _("keywords"), max_length=500, blank=True, help_text=_("Separated by ;")
    )
    fields = models.ManyToManyField(FieldOfScience, blank=True, verbose_name=_("fields of science"))
    expected_results = models.TextField(_("expected results"), blank=True)
    proposer = models.ForeignKey(
        USER, models.PROTECT, related_name="proposed_tasks", verbose_name=_("proposed by")
    )
    proposer_org = models.ForeignKey(
        Organization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="proposed_tasks",
        verbose_name=_("proposing organization"),
    )
    profile = models.ForeignKey(
        RegulationProfile, models.PROTECT, related_name="tasks", verbose_name=_("rules applied")
    )
    step = models.CharField(_("step"), max_length=16, choices=Step.choices, default=Step.PROPOSAL)
    step_due = models.DateField(_("step due"), null=True, blank=True)
    call_opens_on = models.DateField(_("call opens"), null=True, blank=True)
    call_closes_on = models.DateField(_("call closes"), null=True, blank=True)
    # Set when the selection council's winner is confirmed.
    host_org = models.ForeignKey(
        Organization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_tasks",
        verbose_name=_("host organization"),
    )
    lead = models.ForeignKey(
        Expert,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="led_tasks",
        verbose_name=_("principal investigator"),
    )
    budget = models.DecimalField(
        _("approved budget (million VND)"), max_digits=14, decimal_places=1, null=True, blank=True
    )
    decision_no = models.CharField(_("decision number"), max_length=40, blank=True)
    decision_on = models.DateField(_("decision date"), null=True, blank=True)
    contract_no = models.CharField(_("contract number"), max_length=40, blank=True)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    grade = models.CharField(_("acceptance grade"), max_length=16, blank=True)
    results = models.TextField(_("results"), blank=True)
    registration_no = models.CharField(_("registration number"), max_length=40, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)

    class Meta:
        verbose_name = _("S&T task")
        verbose_name_plural = _("S&T tasks")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def keyword_list(self) -> list[str]:
        return split_list(self.keywords)

    def search_parts(self):
        return self.title, [self.code, self.summary, self.keywords, self.results]

    def sort_text(self):
        return self.code


class TaskEvent(models.Model):
    """A change of a task's step (chuyển bước), with who made it and why: the task's timeline."""

    task = models.ForeignKey(Task, models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    by = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name=_("by"))
    from_step = models.CharField(_("from"), max_length=16, choices=Step.choices, blank=True)
    to_step = models.CharField(_("to"), max_length=16, choices=Step.choices)
    due = models.DateField(_("due"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("task event")
        verbose_name_plural = _("task events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.task.code}: {self.get_to_step_display()}"


class Dossier(AuditedModel):
    """An application (hồ sơ đăng ký) to carry out a task, with its forms as fields."""

    task = models.ForeignKey(Task, models.PROTECT, related_name="dossiers")
    applicant = models.ForeignKey(
        USER, models.PROTECT, related_name="dossiers", verbose_name=_("applicant")
    )
    host_org = models.ForeignKey(
        Organization,
        models.PROTECT,
        related_name="dossiers",
        verbose_name=_("host organization"),
    )
    partner_orgs = models.ManyToManyField(
        Organization, blank=True, related_name="partner_dossiers", verbose_name=_("partners")
    )
    status = models.CharField(
        _("status"), max_length=14, choices=DossierStatus.choices, default=DossierStatus.DRAFT
    )
    objectives = models.TextField(_("objectives"))
    content = models.TextField(_("content and methods"))
    products = models.TextField(_("products and technical specifications"))
    application_plan = models.TextField(_("application and transfer of results"), blank=True)
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"))
    budget_state = models.DecimalField(
        _("state budget asked (million VND)"), max_digits=14, decimal_places=1
    )
    budget_other = models.DecimalField(
        _("other funding (million VND)"), max_digits=14, decimal_places=1, default=0
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    check_note = models.TextField(_("completeness check"), blank=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["task", "pk"]

    def __str__(self):
        return f"{self.task.code} · {self.host_org}"

    @property
    def lead(self):
        member = self.team.filter(role=TeamRole.LEAD).select_related("expert").first()
        return member.expert if member else None


class TeamMember(AuditedModel):
    """A person of a dossier's team (thành viên thực hiện), from the expert registry (the CV)."""

    dossier = models.ForeignKey(Dossier, models.CASCADE, related_name="team")
    expert = models.ForeignKey(Expert, models.PROTECT, related_name="task_teams")
    role = models.CharField(_("role"), max_length=10, choices=TeamRole.choices)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["dossier", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "expert"], name="tasks_team_once")
        ]

    def __str__(self):
        return f"{self.expert} ({self.get_role_display()})"


class DossierFile(AuditedModel):
    """A file of a dossier: the signed forms, the explanation, CVs (checked on upload)."""

    dossier = models.ForeignKey(Dossier, models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=14, choices=DossierFileKind.choices)
    file = models.FileField(_("file"), upload_to="tasks/dossiers/%Y/")
    name = models.CharField(_("file name"), max_length=200)

    class Meta:
        verbose_name = _("dossier file")
        verbose_name_plural = _("dossier files")
        ordering = ["dossier", "kind", "pk"]

    def __str__(self):
        return self.name


class Council(AuditedModel):
    """A council (hội đồng tư vấn) of a task: identification, selection or acceptance."""

    task = models.ForeignKey(Task, models.PROTECT, related_name="councils")
    kind = models.CharField(_("kind"), max_length=16, choices=CouncilKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=CouncilStatus.choices, default=CouncilStatus.FORMING
    )
    blind = models.BooleanField(
        _("blind review"), default=False, help_text=_("Members do not see who applied.")
    )
    meets_on = models.DateField(_("meeting date"), null=True, blank=True)
    decision_no = models.CharField(_("decision forming the council"), max_length=40, blank=True)
    conclusion = models.JSONField(_("conclusion"), default=dict, blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("council")
        verbose_name_plural = _("councils")
        ordering = ["task", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.task.code}"


class CouncilMember(AuditedModel):
    """A member of a council with their role; they declare no conflict before seeing dossiers."""

    council = models.ForeignKey(Council, models.CASCADE, related_name="members")
    expert = models.ForeignKey(Expert, models.PROTECT, related_name="council_seats")
    role = models.CharField(_("role"), max_length=10, choices=CouncilRole.choices)
    match = models.FloatField(_("expertise match"), default=0)
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    no_conflict = models.BooleanField(_("declares no conflict of interest"), null=True)
    declaration = models.TextField(_("declaration"), blank=True)
    present = models.BooleanField(_("present at the meeting"), null=True)

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["council", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["council", "expert"], name="tasks_member_once")
        ]

    def __str__(self):
        return f"{self.expert} ({self.get_role_display()})"


class Exclusion(models.Model):
    """An expert left out of a council, with the reason (conflict of interest)."""

    council = models.ForeignKey(Council, models.CASCADE, related_name="exclusions")
    expert = models.ForeignKey(Expert, models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=16, choices=ConflictReason.choices)

    class Meta:
        verbose_name = _("exclusion")
        verbose_name_plural = _("exclusions")
        ordering = ["council", "reason", "pk"]

    def __str__(self):
        return f"{self.expert}: {self.get_reason_display()}"


class Review(AuditedModel):
    """A member's review of a task (identification, acceptance) or of a dossier (selection),
    created when DOST assigns it: a member sees only what is assigned to them."""

    member = models.ForeignKey(CouncilMember, models.CASCADE, related_name="reviews")
    dossier = models.ForeignKey(
        Dossier, models.CASCADE, null=True, blank=True, related_name="reviews"
    )
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    verdict = models.CharField(_("verdict"), max_length=16, blank=True)
    comment = models.TextField(_("comments"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["member", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["member", "dossier"], name="tasks_review_once")
        ]

    def __str__(self):
        return f"{self.member} · {self.dossier or self.member.council}"


class TaskRecord(AuditedModel):
    """What is recorded while a task runs and after: progress reports, inspections, adjustments,
    the application of its results."""

    task = models.ForeignKey(Task, models.CASCADE, related_name="records")
    kind = models.CharField(_("kind"), max_length=12, choices=RecordKind.choices)
    on = models.DateField(_("date"))
    text = models.TextField(_("content"))
    file = models.FileField(_("file"), upload_to="tasks/records/%Y/", blank=True)
    by = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name=_("recorded by"))

    class Meta:
        verbose_name = _("task record")
        verbose_name_plural = _("task records")
        ordering = ["task", "on", "pk"]

    def __str__(self):
        return f"{self.task.code}: {self.get_kind_display()} {self.on:%d/%m/%Y}"


class ExpertTie(AuditedModel):
    """A declared tie between two experts that makes a conflict: relatives, co-authors."""

    expert = models.ForeignKey(Expert, models.CASCADE, related_name="ties")
    other = models.ForeignKey(Expert, models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=TieKind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("declared tie")
        verbose_name_plural = _("declared ties")
        constraints = [
            models.UniqueConstraint(fields=["expert", "other", "kind"], name="tasks_tie_once")
        ]

    def __str__(self):
        return f"{self.expert} – {self.other} ({self.get_kind_display()})"


class Sanction(AuditedModel):
    """A sanction barring an expert from councils until a date (xử lý vi phạm)."""

    expert = models.ForeignKey(Expert, models.CASCADE, related_name="sanctions")
    until = models.DateField(_("until"))
    decision = models.CharField(_("decision"), max_length=200)

    class Meta:
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        ordering = ["-until"]

    def __str__(self):
        return f"{self.expert} · {self.until:%d/%m/%Y}"


class PastTask(models.Model):
    """A task from another list (the national registry of S&T tasks, earlier provincial lists),
    compared with every new proposal for duplicates."""

    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    code = models.CharField(_("code"), max_length=60)
    title = models.CharField(_("title"), max_length=500)
    summary = models.TextField(_("summary"), blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    organization = models.CharField(_("organization"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)  # the duplicate index's key

    class Meta:
        verbose_name = _("past task")
        verbose_name_plural = _("past tasks")
        ordering = ["source", "code"]
        constraints = [models.UniqueConstraint(fields=["source", "code"], name="tasks_past_once")]

    def __str__(self):
        return f"{self.code} {self.title}"
