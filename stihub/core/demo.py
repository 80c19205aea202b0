"""Core's part of `stihub demo`: Nghệ An's administrative units and the staff demo accounts.

Every app's demo module may list `ACCOUNTS`: (username, name, [role or (role, agency code)]);
the `demo` command creates them all once every app has loaded its data.
"""

from stihub.core.admin_units import load_province

from .choices import Role
from .models import Agency, RoleAssignment, User

DEMO_PASSWORD = "demo-stihub-2030"


ACCOUNTS = [
    ("admin", "Quản trị hệ thống", [Role.ADMIN]),
    ("dost", "Cán bộ Sở KH&CN", [Role.DOST_OFFICER]),
    ("expert", "Chuyên gia", [Role.EXPERT]),
]


def demo_account(username: str, name: str, roles) -> User:
    """A demo user holding exactly `roles` (each a role or a (role, agency code) pair)."""
    user, _created = User.objects.get_or_create(username=username)
    user.first_name = name
    user.is_staff = user.is_superuser = False
    user.set_password(DEMO_PASSWORD)
    user.save()
    wanted = [
        (r[0], Agency.objects.get(code=r[1])) if isinstance(r, tuple) else (r, None) for r in roles
    ]
    user.role_assignments.exclude(
        pk__in=[
            RoleAssignment.objects.get_or_create(user=user, role=role, agency=agency)[0].pk
            for role, agency in wanted
        ]
    ).delete()
    return user


def load(*, scale: int, seed: int) -> list[str]:
    _province, count = load_province(40)
    return [f"{count} commune-level units of Nghệ An."]
