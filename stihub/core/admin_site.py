from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class StihubAdminSite(admin.AdminSite):
    """The admin asks the rules (`core.use_admin`) and signs in through the platform's own
    sign-in page (with its lockout), not Django's `is_staff` flag and admin login form."""

    site_header = _("STI Hub administration")

    def has_permission(self, request):
        return request.user.has_perm("core.use_admin")

    def login(self, request, extra_context=None):
        return redirect_to_login(request.GET.get("next", reverse("admin:index")))
