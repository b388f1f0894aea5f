"""The supervisor's Lockouts page: logins locked by django-axes, and unlocking them."""

from __future__ import annotations

import logging

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline.capabilities import UNLOCK_LOGINS, capability_required

log = logging.getLogger("hotline.security")


@capability_required(UNLOCK_LOGINS)
def lockout_list(request):
    """Accounts and addresses with failed logins, the locked ones first."""
    attempts = AccessAttempt.objects.order_by("-failures_since_start", "-attempt_time")[:200]
    rows = [{"attempt": attempt,
             "locked": attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT}
            for attempt in attempts]
    return render(request, "hotline/lockouts.html", {
        "rows": rows, "limit": settings.AXES_FAILURE_LIMIT})


@require_POST
@capability_required(UNLOCK_LOGINS)
def lockout_unlock(request, pk):
    attempt = AccessAttempt.objects.filter(pk=pk).first()
    if attempt is None:
        messages.error(request, _("This lockout was already lifted."))
        return redirect("console:lockouts")
    count = reset(username=attempt.username or None, ip=attempt.ip_address or None,
                  ip_or_username=True)
    log.info("login lockout lifted", extra={"username": attempt.username,
                                            "address": attempt.ip_address,
                                            "by": request.user.username, "attempts": count})
    messages.success(request, _("Unlocked %(who)s.") % {
        "who": attempt.username or attempt.ip_address})
    return redirect("console:lockouts")
