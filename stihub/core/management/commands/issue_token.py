import getpass

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stihub.core import commands, tokens
from stihub.core.models import SecurityEvent, User


class Command(commands.Command):
    help = gettext_lazy(
        "Issue an API token for a user and print its key (the last line): it is shown only "
        "this once. The user's earlier token, if any, is revoked."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help=gettext_lazy("the user the token acts as"))

    def handle(self, *args, username, **options):
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(_("No user is named %(username)s.") % {"username": username})
        if not user.is_active:
            raise CommandError(
                _("The user %(username)s is inactive.") % {"username": user.username}
            )
        issued_by = f"issue_token ({_os_user()})"
        key = tokens.issue(user, issued_by=issued_by)
        SecurityEvent.objects.create(
            kind=SecurityEvent.Kind.TOKEN_ISSUED,
            user=user,
            username=user.username,
            detail=f"{key[: tokens.SHOWN_CHARACTERS]} by {issued_by}",
        )
        self.stdout.write(
            _(
                "API token issued for %(username)s. Keep the key secret; it is shown only this "
                "once. Send it as the header «Authorization: Token <key>»."
            )
            % {"username": user.username}
        )
        self.stdout.write(key)  # the last line: `stihub issue_token NAME | tail -1`


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "?"
