"""The registries' vocabularies as Django choices: codes from `stihub.engines.vocabulary`, labels
here (tests/test_vocabulary.py keeps the two equal)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from stihub.engines import vocabulary as v


class Gender(models.TextChoices):
    MALE = v.Gender.MALE.value, _("Male")
    FEMALE = v.Gender.FEMALE.value, _("Female")


class AcademicTitle(models.TextChoices):
    GS = v.AcademicTitle.GS.value, _("Professor (GS)")
    PGS = v.AcademicTitle.PGS.value, _("Associate professor (PGS)")


class Degree(models.TextChoices):
    TSKH = v.Degree.TSKH.value, _("Doctor of science (TSKH)")
    TS = v.Degree.TS.value, _("Doctor (TS)")
    THS = v.Degree.THS.value, _("Master (ThS)")
    CN_KS = v.Degree.CN_KS.value, _("Bachelor / engineer (CN/KS)")
    CD = v.Degree.CD.value, _("College (CĐ)")
    OTHER = v.Degree.OTHER.value, _("Other")


class Location(models.TextChoices):
    PROVINCE = v.Location.PROVINCE.value, _("In the province")
    VIETNAM = v.Location.VIETNAM.value, _("Elsewhere in Viet Nam")
    ABROAD = v.Location.ABROAD.value, _("Abroad")


class ExpertRole(models.TextChoices):
    REVIEWER = v.ExpertRole.REVIEWER.value, _("Reviewer")
    COUNCIL = v.ExpertRole.COUNCIL.value, _("Council member")
    MENTOR = v.ExpertRole.MENTOR.value, _("Startup mentor")
    ADVISER = v.ExpertRole.ADVISER.value, _("Adviser")


class OrganizationKind(models.TextChoices):
    ST_ORGANIZATION = v.OrganizationKind.ST_ORGANIZATION.value, _("S&T organization")
    UNIVERSITY = v.OrganizationKind.UNIVERSITY.value, _("University / college")
    PUBLIC_ST_UNIT = v.OrganizationKind.PUBLIC_ST_UNIT.value, _("Public S&T unit")
    INCUBATOR = v.OrganizationKind.INCUBATOR.value, _("Incubator")
    INNOVATION_CENTRE = v.OrganizationKind.INNOVATION_CENTRE.value, _("Innovation centre")
    COWORKING = v.OrganizationKind.COWORKING.value, _("Co-working space")
    OTHER = v.OrganizationKind.OTHER.value, _("Other")


class EnterpriseSize(models.TextChoices):
    MICRO = v.EnterpriseSize.MICRO.value, _("Micro")
    SMALL = v.EnterpriseSize.SMALL.value, _("Small")
    MEDIUM = v.EnterpriseSize.MEDIUM.value, _("Medium")
    LARGE = v.EnterpriseSize.LARGE.value, _("Large")


class IPKind(models.TextChoices):
    INVENTION = v.IPKind.INVENTION.value, _("Invention")
    UTILITY_SOLUTION = v.IPKind.UTILITY_SOLUTION.value, _("Utility solution")
    INDUSTRIAL_DESIGN = v.IPKind.INDUSTRIAL_DESIGN.value, _("Industrial design")
    TRADEMARK = v.IPKind.TRADEMARK.value, _("Trademark")
    GEOGRAPHICAL_INDICATION = v.IPKind.GEOGRAPHICAL_INDICATION.value, _("Geographical indication")
    LAYOUT_DESIGN = v.IPKind.LAYOUT_DESIGN.value, _("Layout design")


class IPStatus(models.TextChoices):
    FILED = v.IPStatus.FILED.value, _("Filed")
    ACCEPTED = v.IPStatus.ACCEPTED.value, _("Formally accepted")
    PUBLISHED = v.IPStatus.PUBLISHED.value, _("Published")
    GRANTED = v.IPStatus.GRANTED.value, _("Granted")
    REFUSED = v.IPStatus.REFUSED.value, _("Refused")
    EXPIRED = v.IPStatus.EXPIRED.value, _("Expired")


class InfrastructureKind(models.TextChoices):
    LABORATORY = v.InfrastructureKind.LABORATORY.value, _("Laboratory")
    EQUIPMENT = v.InfrastructureKind.EQUIPMENT.value, _("Major equipment")


class SharedUse(models.TextChoices):
    OPEN = v.SharedUse.OPEN.value, _("Open to shared use")
    ON_REQUEST = v.SharedUse.ON_REQUEST.value, _("On request")
    INTERNAL = v.SharedUse.INTERNAL.value, _("Internal use only")


class ConsentPurpose(models.TextChoices):
    """What a person agreed their public fields may be used for (Nghị định 13/2023/NĐ-CP)."""

    DIRECTORY = "directory", _("Shown in the public directory of experts")


class Access(models.TextChoices):
    """How a staff member saw a person's restricted fields."""

    PAGE = "page", _("Detail page")
    API = "api", _("API")
    EXPORT = "export", _("Export of the person's data")
    DOWNLOAD = "download", _("Registry download")
