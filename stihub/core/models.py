"""People, agencies and administrative units, and the audited base every domain model uses."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import AgencyKind, DivisionType, Role


class AuditedModel(models.Model):
    """Base of every domain model: timestamps and a change history (who, when, before → after)."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True


class AdministrativeUnit(AuditedModel):
    """An administrative unit (đơn vị hành chính): a province or a commune-level unit (2025)."""

    code = models.PositiveIntegerField(_("official code"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    division_type = models.CharField(_("type"), max_length=16, choices=DivisionType.choices)
    codename = models.SlugField(_("code name"), max_length=120)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("province"),
    )

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Agency(AuditedModel):
    """An agency (cơ quan, đơn vị): a Party body, a department (sở), a commune committee..."""

    code = models.SlugField(_("code"), max_length=40, unique=True, allow_unicode=False)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=AgencyKind.choices, default=AgencyKind.OTHER
    )
    admin_unit = models.ForeignKey(
        AdministrativeUnit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        verbose_name=_("administrative unit"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self):
        return self.short_name or self.name


class User(AbstractUser):
    """A person who signs in (người dùng): DOST or agency staff, an expert; the public has none.

    What the user may do comes from their roles (`RoleAssignment`), asked through the rules.
    A person in the registries (expert, enterprise contact) exists without an account and may
    later be linked to one.
    """

    failed_logins = models.PositiveSmallIntegerField(_("failed sign-ins in a row"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["last_login", "password", "failed_logins"])

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def role_labels(self) -> list[str]:
        """The user's roles as people read them, e.g. «Cán bộ báo cáo · Sở Công Thương»."""
        return [str(a) for a in self.role_assignments.select_related("agency")]


class RoleAssignment(AuditedModel):
    """A role a user holds (vai trò): a reporter's role is bound to the agency they report for."""

    user = models.ForeignKey(
        User, models.CASCADE, related_name="role_assignments", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    agency = models.ForeignKey(
        Agency,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("agency"),
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["user", "role"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role=Role.AGENCY_REPORTER) | models.Q(agency__isnull=False),
                name="role_reporter_has_agency",
                violation_error_message=_("An agency reporter must belong to an agency."),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "agency"], name="unique_role_per_agency"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(agency__isnull=True),
                name="unique_role_without_agency",
            ),
        ]

    def __str__(self):
        label = Role(self.role).label
        return f"{label} · {self.agency}" if self.agency_id else str(label)
