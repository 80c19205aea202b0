import getpass
import os
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stihub.core import commands
from stihub.core.choices import Role
from stihub.core.models import Agency, RoleAssignment, User

PASSWORD_VARIABLE = "STIHUB_NEW_PASSWORD"


class Command(commands.Command):
    help = gettext_lazy(
        "Create a user with a role (admin, dost, reporter, expert; a reporter needs --agency). "
        "The password comes from the environment variable STIHUB_NEW_PASSWORD, or is asked "
        "twice. An existing user is refused, unless --add-role gives them the role."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help=gettext_lazy("the user name to sign in with"))
        parser.add_argument(
            "--role", required=True, help=gettext_lazy("admin, dost, reporter or expert")
        )
        parser.add_argument(
            "--agency", help=gettext_lazy("the code of the agency a reporter reports for")
        )
        parser.add_argument("--email", default="", help=gettext_lazy("for password resets"))
        parser.add_argument(
            "--add-role",
            action="store_true",
            help=gettext_lazy("the user exists: give them this role; the password is kept"),
        )

    def handle(self, *args, username, role, agency, email, add_role, **options):
        role = self._role(role)
        agency = self._agency(role, agency)
        existing = User.objects.filter(username__iexact=username).first()
        if existing is not None:
            if not add_role:
                raise CommandError(
                    _(
                        "A user named %(username)s exists already. To give them this role "
                        "as well, add --add-role."
                    )
                    % {"username": existing.username}
                )
            self._give_role(existing, role, agency)
            return
        if add_role:
            raise CommandError(_("No user is named %(username)s.") % {"username": username})
        user = User(username=username, email=email)
        try:
            user.full_clean(exclude=["password"])
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from exc
        user.set_password(self._password(user))
        with transaction.atomic():
            user.save()
            RoleAssignment.objects.create(user=user, role=role, agency=agency)
        self.stdout.write(
            _("User %(username)s created: %(role)s.")
            % {"username": user.username, "role": _label(role, agency)}
        )

    def _role(self, code: str) -> Role:
        if code not in Role.values:
            raise CommandError(
                _("Unknown role %(role)s: choose one of %(roles)s.")
                % {"role": code, "roles": ", ".join(Role.values)}
            )
        return Role(code)

    def _agency(self, role: Role, code: str | None) -> Agency | None:
        if role != Role.AGENCY_REPORTER:
            if code:
                raise CommandError(_("--agency is only for the reporter role."))
            return None
        if not code:
            raise CommandError(_("A reporter needs --agency CODE, the agency they report for."))
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise CommandError(_("No agency has the code %(code)s.") % {"code": code})
        return agency

    def _password(self, user: User) -> str:
        password = os.environ.get(PASSWORD_VARIABLE)
        if password is None:
            if not sys.stdin.isatty():
                raise CommandError(
                    _("Set the password in %(variable)s, or run the command in a terminal.")
                    % {"variable": PASSWORD_VARIABLE}
                )
            password = getpass.getpass(_("Password: "))
            if getpass.getpass(_("Password (again): ")) != password:
                raise CommandError(_("The two passwords differ. Nothing was written."))
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(
                _("The password is refused: %(reasons)s Nothing was written.")
                % {"reasons": _messages(exc)}
            ) from exc
        return password

    def _give_role(self, user: User, role: Role, agency: Agency | None) -> None:
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user, role=role, agency=agency
        )
        message = (
            _("%(username)s now also holds the role %(role)s.")
            if created
            else _("%(username)s holds the role %(role)s already; nothing changed.")
        )
        self.stdout.write(message % {"username": user.username, "role": _label(role, agency)})


def _label(role: Role, agency: Agency | None) -> str:
    return f"{role.label} · {agency.code}" if agency else str(role.label)


def _messages(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)
