"""The Partners pages: a supervisor manages any distributor's API keys and webhooks; a
distributor's admin user (permission partners.manage_own_access) manages its own. Secrets
(a key, a webhook's signing secret) are shown once, right after they are made."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline.api.permissions import distributor_of
from hotline.capabilities import has_capability
from hotline.errors import DomainError
from hotline.models import Distributor
from partners.forms import KeyForm, WebhookForm
from partners.models import DistributorKey, WebhookDelivery, WebhookSubscription
from partners.services import keys, webhooks

MANAGE_ANY = "partners.add_distributorkey"  # supervisors
MANAGE_OWN = "partners.manage_own_access"  # a distributor's admin user
SHOWN_ONCE = "partners_shown_once"


def _can_manage(user, distributor) -> bool:
    if has_capability(user, MANAGE_ANY):
        return True
    own = distributor_of(user)
    return own is not None and own.pk == distributor.pk and user.has_perm(MANAGE_OWN)


def _distributor(request, code) -> Distributor:
    distributor = get_object_or_404(Distributor, code=code)
    if not _can_manage(request.user, distributor):
        raise PermissionDenied(_("Only a supervisor or this distributor's admin user may "
                                 "manage its access."))
    return distributor


@login_required
def home(request):
    """Supervisors: every distributor. A distributor's user: its own page."""
    if not has_capability(request.user, MANAGE_ANY):
        own = distributor_of(request.user)
        if own is None:
            raise PermissionDenied(_("Your account is not linked to a distributor."))
        return redirect("partners:distributor", code=own.code)
    distributors = Distributor.objects.annotate(
        keys=Count("api_keys", filter=Q(api_keys__revoked=False), distinct=True),
        hooks=Count("webhook_subscriptions", filter=Q(webhook_subscriptions__is_active=True),
                    distinct=True),
        cases_opened=Count("cases", distinct=True)).order_by("name", "pk")
    page = Paginator(distributors, 50).get_page(request.GET.get("page"))
    return render(request, "partners/home.html", {"page": page})


@login_required
def distributor_page(request, code):
    distributor = get_object_or_404(Distributor, code=code)
    can_manage = _can_manage(request.user, distributor)
    if not can_manage and distributor_of(request.user) != distributor:
        raise PermissionDenied(_("This is another distributor's page."))
    deliveries = (WebhookDelivery.objects.filter(subscription__distributor=distributor)
                  .select_related("event", "case", "subscription").order_by("-id"))
    return render(request, "partners/distributor.html", {
        "distributor": distributor, "can_manage": can_manage,
        "keys": DistributorKey.objects.filter(distributor=distributor)
        .select_related("created_by").order_by("revoked", "-created"),
        "subscriptions": WebhookSubscription.objects.filter(distributor=distributor),
        "deliveries": Paginator(deliveries, 25).get_page(request.GET.get("page")),
        "key_form": KeyForm(), "webhook_form": WebhookForm(),
        "shown_once": request.session.pop(SHOWN_ONCE, None),
    })


def _act(request, distributor, action, success: str):
    """Run `action()`; tell the user what happened (or why not); back to the page."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("partners:distributor", code=distributor.code)


@require_POST
@login_required
def key_create(request, code):
    distributor = _distributor(request, code)
    form = KeyForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label if field in form.fields else ''}"
                                    f" {' '.join(errors)}")
        return redirect("partners:distributor", code=code)

    def create():
        key, secret = keys.key_create(distributor=distributor, actor=request.user,
                                      name=form.cleaned_data["name"],
                                      scopes=form.cleaned_data["scopes"],
                                      expires_at=form.cleaned_data["expires_at"])
        request.session[SHOWN_ONCE] = {"kind": "key", "name": key.name, "secret": secret}
    return _act(request, distributor, create, _("API key created."))


@require_POST
@login_required
def key_rotate(request, code, prefix):
    distributor = _distributor(request, code)
    key = get_object_or_404(DistributorKey, distributor=distributor, prefix=prefix)

    def rotate():
        new, secret = keys.key_rotate(key=key, actor=request.user)
        request.session[SHOWN_ONCE] = {"kind": "key", "name": new.name, "secret": secret}
    return _act(request, distributor, rotate,
                _("Key rotated: the old one no longer works, use the new one."))


@require_POST
@login_required
def key_revoke(request, code, prefix):
    distributor = _distributor(request, code)
    key = get_object_or_404(DistributorKey, distributor=distributor, prefix=prefix)
    return _act(request, distributor, lambda: keys.key_revoke(key=key, actor=request.user),
                _("Key revoked."))


@require_POST
@login_required
def webhook_create(request, code):
    distributor = _distributor(request, code)
    form = WebhookForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label}: {' '.join(errors)}")
        return redirect("partners:distributor", code=code)

    def create():
        subscription, secret = webhooks.subscription_create(
            distributor=distributor, actor=request.user, url=form.cleaned_data["url"],
            events=form.cleaned_data["events"])
        request.session[SHOWN_ONCE] = {"kind": "webhook", "name": subscription.url,
                                       "secret": secret}
    return _act(request, distributor, create, _("Webhook subscription created."))


def _subscription(request, code, pk):
    distributor = _distributor(request, code)
    return distributor, get_object_or_404(WebhookSubscription, pk=pk, distributor=distributor)


@require_POST
@login_required
def webhook_toggle(request, code, pk):
    distributor, subscription = _subscription(request, code, pk)
    active = not subscription.is_active
    return _act(request, distributor, lambda: webhooks.subscription_update(
        subscription=subscription, actor=request.user, is_active=active),
        _("Subscription switched on: pending events are being sent.") if active
        else _("Subscription switched off."))


@require_POST
@login_required
def webhook_test(request, code, pk):
    distributor, subscription = _subscription(request, code, pk)
    return _act(request, distributor, lambda: webhooks.webhook_test_send(
        subscription=subscription, actor=request.user),
        _("Test event sent: see the delivery log below."))


@require_POST
@login_required
def webhook_delete(request, code, pk):
    distributor, subscription = _subscription(request, code, pk)
    return _act(request, distributor, lambda: webhooks.subscription_delete(
        subscription=subscription, actor=request.user), _("Subscription deleted."))


@require_POST
@login_required
def delivery_redeliver(request, code, pk):
    distributor = _distributor(request, code)
    delivery = get_object_or_404(WebhookDelivery.objects.select_related("subscription"),
                                 pk=pk, subscription__distributor=distributor)
    return _act(request, distributor, lambda: webhooks.delivery_redeliver(
        delivery=delivery, actor=request.user), _("Event sent again."))
