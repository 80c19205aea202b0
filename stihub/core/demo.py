"""Core's part of `stihub demo`: Nghệ An's administrative units and the staff demo accounts."""

from stihub.core.admin_units import load_province

from .choices import Role
from .models import RoleAssignment, User

DEMO_PASSWORD = "demo-stihub-2030"


def demo_account(username: str, name: str, *roles) -> User:
    """A demo user holding exactly `roles` (each a role or a (role, agency) pair)."""
    user, _created = User.objects.get_or_create(username=username)
    user.first_name = name
    user.is_staff = user.is_superuser = False
    user.set_password(DEMO_PASSWORD)
    user.save()
    wanted = [r if isinstance(r, tuple) else (r, None) for r in roles]
    user.role_assignments.exclude(
        pk__in=[
            RoleAssignment.objects.get_or_create(user=user, role=role, agency=agency)[0].pk
            for role, agency in wanted
        ]
    ).delete()
    return user


def load(*, scale: int, seed: int) -> list[str]:
    _province, count = load_province(40)
    demo_account("admin", "Quản trị hệ thống", Role.ADMIN)
    demo_account("dost", "Cán bộ Sở KH&CN", Role.DOST_OFFICER)
    demo_account("expert", "Chuyên gia", Role.EXPERT)
    return [f"{count} commune-level units of Nghệ An."]
