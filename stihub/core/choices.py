"""Choices used across the platform, each defined once with its label (and colour where shown)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a signed-in person may do; the anonymous public has no role."""

    ADMIN = "admin", _("System administrator")
    DOST_OFFICER = "dost", _("DOST officer")
    AGENCY_REPORTER = "reporter", _("Agency reporter")
    EXPERT = "expert", _("Expert / scientist")


class AgencyKind(models.TextChoices):
    """Kinds of agency (cơ quan, đơn vị) that own targets, tasks and reports."""

    PARTY = "party", _("Party body")
    COUNCIL = "council", _("People's Council")
    COMMITTEE = "committee", _("People's Committee")
    DEPARTMENT = "department", _("Department / agency")
    COMMUNE = "commune", _("Commune / ward People's Committee")
    UNIVERSITY = "university", _("University / college")
    INSTITUTE = "institute", _("Research institute / centre")
    OTHER = "other", _("Other organisation")


class DivisionType(models.TextChoices):
    """Administrative unit types since 1 July 2025 (no district level)."""

    PROVINCE = "tinh", _("Province")
    CITY = "thanh_pho", _("Centrally-run city")
    COMMUNE = "xa", _("Commune")
    WARD = "phuong", _("Ward")
    SPECIAL_ZONE = "dac_khu", _("Special zone")
