"""Who may do what: predicates over a user and an object, and the core permissions.

Every app declares its permissions in its own `rules.py` from these predicates (django-rules
finds them at start-up). Views (`permissions.require`), the API (`permissions.RulePermission`),
templates (`{% has_perm %}`) and the admin all ask the same thing the same way:
`user.has_perm("app.verb_thing", obj)`. A user holds any number of roles
(`core.RoleAssignment`), a reporter's role bound to one agency.
"""

import rules
from django.apps import apps

from .choices import Role


def roles_of(user) -> frozenset[tuple[str, int | None]]:
    """{(role, agency id)} of an active signed-in user, read once per request and kept."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_stihub_roles", None)
    if cached is None:
        cached = frozenset(user.role_assignments.values_list("role", "agency_id"))
        user._stihub_roles = cached
    return cached


def has_role(role: Role):
    @rules.predicate(name=f"has_role_{role}")
    def predicate(user) -> bool:
        return any(held == role for held, _agency in roles_of(user))

    return predicate


def reporter_agencies(user) -> set[int]:
    """The ids of the agencies the user reports for."""
    return {a for role, a in roles_of(user) if role == Role.AGENCY_REPORTER}


@rules.predicate
def reports_for(user, agency) -> bool:
    """A reporter bound to this agency; with no agency named, a reporter of any agency."""
    agencies = reporter_agencies(user)
    if agency is None:
        return bool(agencies)
    return getattr(agency, "pk", agency) in agencies


is_admin = rules.is_superuser | has_role(Role.ADMIN)
is_dost = is_admin | has_role(Role.DOST_OFFICER)
is_expert = has_role(Role.EXPERT)
is_reporter = has_role(Role.AGENCY_REPORTER)
anyone = rules.always_allow  # public reads: an explicit choice, not a missing check

PUBLIC = "core.view_public"
rules.add_perm(PUBLIC, anyone)
# Change history names the people who changed things: staff only.
rules.add_perm("core.view_history", is_dost)
rules.add_perm("core.use_admin", is_admin)
# Reporting for an agency: its own reporters, and DOST on anyone's behalf.
rules.add_perm("core.submit_for_agency", is_dost | reports_for)
# Restricted personal fields (e-mail, phone, birth year...): staff only (Nghị định 13/2023).
rules.add_perm("core.view_restricted_fields", is_dost)
# One's own account: password, two-step verification, recovery codes; `GET /api/me/`.
rules.add_perm("core.manage_own_account", rules.is_authenticated)
# API tokens of other systems: the list (who, when, last used) and revoking them.
rules.add_perm("core.manage_api_tokens", is_dost)

# A user's main role, where one role must be named (`GET /api/me/`): the first they hold.
ROLE_PRIORITY = (Role.ADMIN, Role.DOST_OFFICER, Role.AGENCY_REPORTER, Role.EXPERT)


def main_role(user) -> Role | None:
    """The user's main role by ROLE_PRIORITY (a superuser counts as admin); None without one."""
    held = {role for role, _agency in roles_of(user)}
    if getattr(user, "is_superuser", False):
        held.add(Role.ADMIN)
    return next((role for role in ROLE_PRIORITY if role in held), None)


def admin_permissions(app_label: str, predicate=is_admin) -> None:
    """The admin's view/add/change/delete permissions for every model of an app."""
    for model in apps.get_app_config(app_label).get_models():
        for action in ("view", "add", "change", "delete"):
            rules.add_perm(f"{app_label}.{action}_{model._meta.model_name}", predicate)


admin_permissions("core")
# Lockouts (django-axes) and users' MFA devices (django-otp): administrators, to unlock an
# account or reset a lost authenticator (core/admin.py shows them read-only, deletable).
for _label in ("axes", "otp_totp", "otp_static"):
    admin_permissions(_label)
