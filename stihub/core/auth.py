"""Sign-in with lockout after repeated failures (security level 3)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.utils import timezone


class LockoutModelBackend(ModelBackend):
    """Refuses a locked account even with the right password, until the lock expires."""

    def user_can_authenticate(self, user):
        locked = user.locked_until is not None and user.locked_until > timezone.now()
        return super().user_can_authenticate(user) and not locked


@receiver(user_login_failed)
def count_failure(sender, credentials, **kwargs):
    User = get_user_model()
    user = User.objects.filter(username=credentials.get("username")).first()
    if user is None:
        return
    user.failed_logins += 1
    if user.failed_logins >= settings.STIHUB_LOCKOUT_ATTEMPTS:
        user.locked_until = timezone.now() + timedelta(minutes=settings.STIHUB_LOCKOUT_MINUTES)
        user.failed_logins = 0
    user.save(update_fields=["failed_logins", "locked_until"])


@receiver(user_logged_in)
def reset_failures(sender, user, **kwargs):
    if user.failed_logins or user.locked_until:
        user.failed_logins = 0
        user.locked_until = None
        user.save(update_fields=["failed_logins", "locked_until"])
