"""The STI resources registries (cơ sở dữ liệu nguồn lực KH, CN và ĐMST): experts, organizations,
enterprises, industrial property and research infrastructure, with the reference data they use.

Every record keeps its search form (`Searchable`): folded words for accent-insensitive search
and a digit key for Vietnamese alphabetical order, refreshed on every save (and by the importers
before a bulk write). A person's restricted fields (`Expert.RESTRICTED`) are shown to staff only,
each view logged (`PersonalDataAccess`); the public sees a person only with a recorded consent.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stihub.core.models import AdministrativeUnit, Agency, AuditedModel
from stihub.engines.text import exact, fold, person_sort_text, sort_key

from .choices import (
    AcademicTitle,
    Access,
    ConsentPurpose,
    Degree,
    EnterpriseSize,
    Gender,
    InfrastructureKind,
    IPKind,
    IPStatus,
    Location,
    OrganizationKind,
    SharedUse,
)

SEPARATOR = ";"  # lists inside a cell or a field: "reviewer;council"


class FieldOfScience(models.Model):
    """A field of science and technology (lĩnh vực KH&CN), Vietnam's classification after OECD
    Frascati: level 1 "2", level 2 "2.2". Reference data, loaded from `data/`."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        verbose_name = _("field of science")
        verbose_name_plural = _("fields of science")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.code} {self.name}"


class Industry(models.Model):
    """A section (letter) or division (two digits) of the Vietnam Standard Industrial
    Classification 2018 (VSIC 2018, Quyết định 27/2018/QĐ-TTg). Reference data."""

    code = models.CharField(_("code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=300)
    section = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="divisions"
    )

    class Meta:
        verbose_name = _("industry (VSIC 2018)")
        verbose_name_plural = _("industries (VSIC 2018)")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.code} {self.name}"


class Searchable(models.Model):
    """What search reads: the folded name and text (ASCII words between spaces, so that a word
    prefix is `LIKE '% word%'`), the text with its marks, and the Vietnamese order key."""

    search_name = models.CharField(max_length=400, editable=False, default="")
    search_text = models.TextField(editable=False, default="")
    search_exact = models.TextField(editable=False, default="")
    sort_key = models.CharField(max_length=500, editable=False, default="", db_index=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.refresh_search()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "search_name",
                "search_text",
                "search_exact",
                "sort_key",
            }
        super().save(*args, **kwargs)

    def search_parts(self) -> tuple[str, list[str]]:
        """(the name, the other texts searched)."""
        raise NotImplementedError

    def sort_text(self) -> str:
        return self.search_parts()[0]

    def refresh_search(self) -> None:
        name, others = self.search_parts()
        texts = [name, *(o for o in others if o)]
        self.search_name = f" {fold(name)} "
        self.search_text = f" {' '.join(fold(t) for t in texts)} "
        self.search_exact = f" {' '.join(exact(t) for t in texts)} "
        self.sort_key = sort_key(self.sort_text())


def split_list(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(SEPARATOR) if part.strip()]


class Organization(Searchable, AuditedModel):
    """An S&T organization, university or college, public S&T unit or innovation support
    organization (tổ chức KH&CN, cơ sở giáo dục đại học, vườn ươm, trung tâm ĐMST...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    commune = models.ForeignKey(
        AdministrativeUnit, models.PROTECT, null=True, blank=True, verbose_name=_("commune / ward")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    fields = models.ManyToManyField(FieldOfScience, blank=True, verbose_name=_("fields of science"))
    website = models.URLField(_("website"), blank=True)
    staff_total = models.PositiveIntegerField(_("staff"), null=True, blank=True)
    staff_phd = models.PositiveIntegerField(_("staff with a doctorate"), null=True, blank=True)
    staff_masters = models.PositiveIntegerField(_("staff with a master's"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    agency = models.ForeignKey(
        Agency,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("reporting agency"),
        help_text=_("The same body as a reporting agency of the platform, if it is one."),
    )

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["sort_key", "pk"]

    def __str__(self):
        return self.name

    def search_parts(self):
        return self.name, [self.short_name, self.code, self.address]


class Expert(Searchable, AuditedModel):
    """An expert or scientist (chuyên gia, nhà khoa học) of the province's network, at home or
    abroad. Public fields may be shown with consent; `RESTRICTED` ones never to the public."""

    RESTRICTED = ("birth_year", "hometown", "email", "phone")

    full_name = models.CharField(_("full name"), max_length=150)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    academic_title = models.CharField(
        _("academic title"), max_length=4, choices=AcademicTitle.choices, blank=True
    )
    degree = models.CharField(_("degree"), max_length=8, choices=Degree.choices, blank=True)
    fields = models.ManyToManyField(FieldOfScience, blank=True, verbose_name=_("fields of science"))
    keywords = models.TextField(_("keywords"), blank=True, help_text=_("Separated by ;"))
    organization = models.ForeignKey(
        Organization,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="experts",
        verbose_name=_("organization"),
    )
    organization_name = models.CharField(
        _("workplace"),
        max_length=300,
        blank=True,
        help_text=_("Where the organization is not in the registry."),
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    location = models.CharField(_("lives and works"), max_length=10, choices=Location.choices)
    country = models.CharField(_("country"), max_length=80, blank=True)
    hometown = models.CharField(_("hometown"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    orcid = models.CharField(_("ORCID"), max_length=19, null=True, blank=True, unique=True)
    roles = models.CharField(_("roles"), max_length=80, blank=True, help_text=_("Separated by ;"))
    publications = models.TextField(
        _("publications"), blank=True, help_text=_("One link per line.")
    )
    projects = models.TextField(_("projects"), blank=True, help_text=_("One link per line."))
    public_consent = models.BooleanField(
        _("shown in the public directory"),
        default=False,
        editable=False,
        help_text=_("Follows the person's latest recorded consent."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="expert",
        verbose_name=_("account"),
    )
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["sort_key", "pk"]
        indexes = [models.Index(fields=["public_consent", "sort_key"])]

    def __str__(self):
        return self.full_name or str(_("(erased person #%(id)s)") % {"id": self.pk})

    def search_parts(self):
        return self.full_name, [self.keywords, self.organization_name, self.position, self.country]

    def sort_text(self):
        return person_sort_text(self.full_name)

    @property
    def role_list(self) -> list[str]:
        return split_list(self.roles)

    @property
    def keyword_list(self) -> list[str]:
        return split_list(self.keywords)


class Affiliation(AuditedModel):
    """Where an expert works or worked (nơi công tác), with the years; no end year: current."""

    expert = models.ForeignKey(Expert, models.CASCADE, related_name="affiliations")
    organization = models.ForeignKey(
        Organization,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="affiliations",
        verbose_name=_("organization"),
    )
    organization_name = models.CharField(_("organization name"), max_length=300, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    start_year = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        ordering = ["expert", "-start_year"]

    def __str__(self):
        return self.organization_name or str(self.organization)


class Consent(models.Model):
    """A person's consent to a use of their data, or its withdrawal (Nghị định 13/2023/NĐ-CP):
    who recorded it, when, for what purpose, on what evidence. Written once, never changed."""

    expert = models.ForeignKey(Expert, models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=16, choices=ConsentPurpose.choices)
    given = models.BooleanField(_("given"), help_text=_("Unticked: the consent is withdrawn."))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    evidence = models.CharField(
        _("evidence"),
        max_length=300,
        blank=True,
        help_text=_("E.g. the signed form, the import file."),
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-recorded_at", "-pk"]

    def __str__(self):
        return f"{self.get_purpose_display()}: {self.given}"


class PersonalDataAccess(models.Model):
    """A staff member saw a person's restricted fields (nhật ký truy cập dữ liệu cá nhân)."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    expert = models.ForeignKey(
        Expert, models.SET_NULL, null=True, related_name="accesses", verbose_name=_("person")
    )
    expert_ref = models.PositiveIntegerField(_("person number"))
    fields = models.JSONField(_("fields seen"), default=list)
    via = models.CharField(_("via"), max_length=10, choices=Access.choices)
    path = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} #{self.expert_ref}"


class Enterprise(Searchable, AuditedModel):
    """An enterprise (doanh nghiệp), with its S&T enterprise certificate and innovative-startup
    recognition where it has them (the rule version they were granted under is kept)."""

    tax_code = models.CharField(_("tax code"), max_length=14, unique=True)
    name = models.CharField(_("name"), max_length=300)
    vsic = models.CharField(_("industry code (VSIC 2018)"), max_length=5, blank=True)
    industry = models.ForeignKey(
        Industry,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
        verbose_name=_("industry division"),
        editable=False,
    )
    size = models.CharField(_("size"), max_length=8, choices=EnterpriseSize.choices, blank=True)
    commune = models.ForeignKey(
        AdministrativeUnit, models.PROTECT, null=True, blank=True, verbose_name=_("commune / ward")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    products = models.TextField(_("main products"), blank=True)
    st_cert_no = models.CharField(_("S&T enterprise certificate number"), max_length=40, blank=True)
    st_cert_date = models.DateField(_("S&T enterprise certificate date"), null=True, blank=True)
    st_cert_issuer = models.CharField(_("certificate issued by"), max_length=200, blank=True)
    st_cert_products = models.TextField(_("certified products"), blank=True)
    st_cert_rule = models.CharField(
        _("certified under"),
        max_length=80,
        blank=True,
        help_text=_("E.g. Nghị định 13/2019/NĐ-CP."),
    )
    st_cert_revoked_on = models.DateField(_("certificate revoked on"), null=True, blank=True)
    startup_recognised_on = models.DateField(
        _("recognised as an innovative startup on"), null=True, blank=True
    )
    startup_evidence = models.TextField(_("startup recognition evidence"), blank=True)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["sort_key", "pk"]

    def __str__(self):
        return self.name

    def search_parts(self):
        return self.name, [self.tax_code, self.products, self.st_cert_products, self.address]


class SurveyYear(AuditedModel):
    """An organization's or enterprise's innovation and R&D activity in a survey year (số liệu
    điều tra): R&D personnel in full-time equivalent feed the R&D-staff target."""

    year = models.PositiveSmallIntegerField(_("year"))
    organization = models.ForeignKey(
        Organization, models.CASCADE, null=True, blank=True, related_name="survey_years"
    )
    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, null=True, blank=True, related_name="survey_years"
    )
    innovation = models.BooleanField(_("innovation activity"), default=False)
    rd = models.BooleanField(_("R&D activity"), default=False)
    rd_fte = models.FloatField(_("R&D personnel (full-time equivalent)"), null=True, blank=True)
    rd_spending = models.FloatField(_("R&D spending (million VND)"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey year")
        verbose_name_plural = _("survey years")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organization__isnull=True, enterprise__isnull=False)
                | models.Q(organization__isnull=False, enterprise__isnull=True),
                name="survey_year_one_owner",
            ),
            models.UniqueConstraint(fields=["organization", "year"], name="survey_org_year"),
            models.UniqueConstraint(fields=["enterprise", "year"], name="survey_enterprise_year"),
        ]

    def __str__(self):
        return f"{self.organization or self.enterprise} {self.year}"


class IPObject(Searchable, AuditedModel):
    """An industrial property object (đối tượng sở hữu công nghiệp) applied for by an applicant of
    the province: its application, classes and where it stands (`status`: the latest step)."""

    kind = models.CharField(_("kind"), max_length=24, choices=IPKind.choices)
    application_no = models.CharField(_("application number"), max_length=40, unique=True)
    filed_on = models.DateField(_("filed on"))
    title = models.CharField(_("title"), max_length=500)
    applicant_name = models.CharField(_("applicant"), max_length=300)
    applicant_enterprise = models.ForeignKey(
        Enterprise, models.SET_NULL, null=True, blank=True, related_name="ip_objects"
    )
    applicant_organization = models.ForeignKey(
        Organization, models.SET_NULL, null=True, blank=True, related_name="ip_objects"
    )
    applicant_expert = models.ForeignKey(
        Expert, models.SET_NULL, null=True, blank=True, related_name="ip_objects"
    )
    classes = models.CharField(
        _("classes (IPC, Locarno, Nice)"), max_length=300, blank=True, help_text=_("Separated by ;")
    )
    status = models.CharField(_("status"), max_length=10, choices=IPStatus.choices)
    grant_no = models.CharField(_("grant number"), max_length=40, blank=True)
    granted_on = models.DateField(_("granted on"), null=True, blank=True)

    class Meta:
        verbose_name = _("industrial property object")
        verbose_name_plural = _("industrial property objects")
        ordering = ["-filed_on", "pk"]

    def __str__(self):
        return f"{self.application_no} {self.title}"

    def search_parts(self):
        # A person's name is searchable only on their own record (where consent applies), so a
        # search cannot tell the public that a non-consenting person applied for this object.
        applicant = "" if self.applicant_expert_id else self.applicant_name
        return self.title, [applicant, self.application_no, self.grant_no, self.classes]


class IPStatusChange(models.Model):
    """A step of an application with its date (nộp đơn, hợp lệ, công bố, cấp bằng...)."""

    ip = models.ForeignKey(IPObject, models.CASCADE, related_name="status_changes")
    status = models.CharField(_("status"), max_length=10, choices=IPStatus.choices)
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["ip", "on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ip", "status", "on"], name="ip_status_once_a_day")
        ]

    def __str__(self):
        return f"{self.get_status_display()} {self.on:%d/%m/%Y}"


class Infrastructure(Searchable, AuditedModel):
    """A laboratory or major piece of research equipment (hạ tầng nghiên cứu), its owner and
    whether others may use it."""

    kind = models.CharField(_("kind"), max_length=12, choices=InfrastructureKind.choices)
    name = models.CharField(_("name"), max_length=300)
    organization = models.ForeignKey(
        Organization,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="infrastructure",
        verbose_name=_("owner (organization)"),
    )
    enterprise = models.ForeignKey(
        Enterprise,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="infrastructure",
        verbose_name=_("owner (enterprise)"),
    )
    fields = models.ManyToManyField(FieldOfScience, blank=True, verbose_name=_("fields of science"))
    description = models.TextField(_("description"), blank=True)
    shared_use = models.CharField(
        _("shared use"), max_length=12, choices=SharedUse.choices, default=SharedUse.ON_REQUEST
    )
    conditions = models.TextField(_("conditions of use"), blank=True)
    contact = models.CharField(
        _("contact (unit)"),
        max_length=300,
        blank=True,
        help_text=_("A unit's contact, not a person's."),
    )

    class Meta:
        verbose_name = _("research infrastructure")
        verbose_name_plural = _("research infrastructure")
        ordering = ["sort_key", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organization__isnull=False) | models.Q(enterprise__isnull=False),
                name="infrastructure_has_owner",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def owner(self):
        return self.organization or self.enterprise

    def search_parts(self):
        return self.name, [str(self.owner or ""), self.description]


class DuplicateCandidate(models.Model):
    """Two records of a registry that are likely the same (trùng lặp), found on import or entry,
    until DOST merges them or says they differ."""

    class Resolution(models.TextChoices):
        OPEN = "open", _("To check")
        MERGED = "merged", _("Merged")
        DISTINCT = "distinct", _("Not the same")

    registry = models.CharField(_("registry"), max_length=16)
    first_id = models.PositiveIntegerField()
    second_id = models.PositiveIntegerField()
    reason = models.CharField(_("reason"), max_length=200)
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)
    resolution = models.CharField(
        _("resolution"), max_length=10, choices=Resolution.choices, default=Resolution.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("likely duplicate")
        verbose_name_plural = _("likely duplicates")
        ordering = ["-found_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["registry", "first_id", "second_id"], name="duplicate_pair_once"
            )
        ]

    def __str__(self):
        return f"{self.registry} #{self.first_id} ~ #{self.second_id}"
