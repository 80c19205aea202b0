"""The registries by their URL and import name, and what each user may see of them.

One definition for pages, API, import, export and search: `REGISTRIES[name].model`, and
`visible(name, user)`, the rows a user may see (the public: consenting, not erased experts;
S&T enterprises and recognised startups; granted industrial property; every organization and
piece of infrastructure). Staff (DOST) see every row.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .choices import IPStatus
from .models import Enterprise, Expert, Infrastructure, IPObject, Organization

# An S&T enterprise (certificate in force) and an innovative startup: the public sees these.
CERTIFIED = Q(st_cert_date__isnull=False, st_cert_revoked_on__isnull=True)
STARTUP = Q(startup_recognised_on__isnull=False)


@dataclass(frozen=True)
class Registry:
    name: str  # in URLs, the import command and the API: experts, organizations, ...
    model: type
    label: object  # plural, for titles
    public: Q  # the rows the public may see


REGISTRIES = {
    r.name: r
    for r in (
        Registry(
            "experts",
            Expert,
            _("Experts and scientists"),
            Q(public_consent=True, erased_at__isnull=True),
        ),
        Registry("organizations", Organization, _("Organizations"), Q()),
        Registry(
            "enterprises",
            Enterprise,
            _("Enterprises"),
            CERTIFIED | STARTUP,
        ),
        Registry("ip", IPObject, _("Industrial property"), Q(status=IPStatus.GRANTED)),
        Registry("infrastructure", Infrastructure, _("Research infrastructure"), Q()),
    )
}


def registry_of(name: str) -> Registry:
    """The registry named in a URL, or 404."""
    try:
        return REGISTRIES[name]
    except KeyError:
        raise Http404 from None


def sees_everything(user) -> bool:
    return user.has_perm("registry.manage_registry")


def visible(name: str, user):
    """The rows of registry `name` that `user` may see."""
    registry = REGISTRIES[name]
    rows = registry.model.objects.all()
    return rows if sees_everything(user) else rows.filter(registry.public)
