"""People, agencies and administrative units, and the audited base every domain model uses."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
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


class CaseInsensitiveUserManager(UserManager):
    """Finds a user by name whatever the case typed: «Dost» signs in as «dost»."""

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractUser):
    """A person who signs in (người dùng): DOST or agency staff, an expert; the public has none.

    What the user may do comes from their roles (`RoleAssignment`), asked through the rules.
    A person in the registries (expert, enterprise contact) exists without an account and may
    later be linked to one.
    """

    history = HistoricalRecords(excluded_fields=["last_login", "password"])
    objects = CaseInsensitiveUserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # «Dost» and «dost» would be two accounts that people cannot tell apart.
            models.UniqueConstraint(
                Lower("username"),
                name="unique_username_ignoring_case",
                violation_error_message=_("A user with that user name already exists."),
            ),
        ]

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


class SecurityEvent(models.Model):
    """An entry of the security log (nhật ký an toàn thông tin): sign-ins, lockouts, MFA, refusals.

    Not audited by simple_history: it is itself a log, written once and never changed; kept
    12 months (`stihub prune_security_log`).
    """

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", _("sign-in")
        SIGN_IN_FAILED = "sign_in_failed", _("sign-in failed")
        LOCKOUT = "lockout", _("locked out")
        SIGN_OUT = "sign_out", _("sign-out")
        MFA_ENROLLED = "mfa_enrolled", _("two-step verification set up")
        MFA_PASSED = "mfa_passed", _("verification code accepted")
        MFA_FAILED = "mfa_failed", _("verification code refused")
        RECOVERY_CODE_USED = "recovery_code_used", _("recovery code used")
        PASSWORD_CHANGED = "password_changed", _("password changed")
        PASSWORD_RESET_REQUESTED = "password_reset_requested", _("password reset requested")
        PERMISSION_DENIED = "permission_denied", _("permission denied")
        TOKEN_ISSUED = "token_issued", _("API token issued")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        TOKEN_REFUSED = "token_refused", _("API token refused")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices)
    user = models.ForeignKey(
        User,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="security_events",
        verbose_name=_("user"),
    )
    username = models.CharField(_("user name typed"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)
    detail = models.CharField(_("detail"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security log")
        ordering = ["-at"]
        indexes = [models.Index(fields=["kind", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"


class ApiToken(models.Model):
    """An API token (khóa truy cập API) with which another system calls the API as a user.

    Only a SHA-256 of the key is stored (the key is shown once, by `stihub issue_token`), so
    the database and its backups hold no working credential; the key is 256 random bits, so a
    fast hash is enough. A user has at most one active token; issuing a new one revokes it.
    Not audited by simple_history: `last_used_at` would flood the history, and the token's own
    fields with the security log are its record.
    """

    user = models.ForeignKey(
        User, models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    prefix = models.CharField(_("key begins with"), max_length=16)
    key_hash = models.CharField(_("SHA-256 of the key"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.CharField(_("issued by"), max_length=150, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_api_token_per_user",
            ),
        ]

    def __str__(self):
        return f"{self.prefix}… ({self.user})"
