"""Service points in the console: the supervisors' directory (with the CSV import) and the
service point staff's own small console, made for a phone at the counter."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from hotline.capabilities import capability_required
from hotline.errors import DomainError
from hotline.models import HandsetModel
from repairs.forms import ImportForm, OutcomeForm, ReceiveForm
from repairs.models import OPEN_REFERRAL_STATES, Referral, ReferralStatus, ServicePoint
from repairs.services import referrals as referral_service
from repairs.services.points import ImportRefused, service_point_proposals, service_points_import


@capability_required("repairs.change_servicepoint")
def points(request):
    """The directory: every service point, its load today, and who serves a postcode."""
    today = timezone.localdate()
    found = ServicePoint.objects.annotate(
        today=Count("referrals", filter=Q(referrals__drop_off_day=today) & ~Q(
            referrals__status__in=[ReferralStatus.CANCELLED, ReferralStatus.NO_SHOW])),
        open_referrals=Count("referrals", filter=Q(referrals__status__in=OPEN_REFERRAL_STATES)),
    ).order_by("name")
    query = request.GET.get("q", "").strip()
    if query:
        found = found.filter(Q(name__icontains=query) | Q(city__icontains=query)
                             | Q(code__icontains=query))
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    postcode = request.GET.get("postcode", "").strip()
    model_id = request.GET.get("model", "")
    proposals = None
    if postcode and model_id.isdigit():
        model = HandsetModel.objects.filter(pk=int(model_id)).first()
        proposals = service_point_proposals(model=model, postcode=postcode, country="FR") \
            if model else []
    return render(request, "repairs/points.html", {
        "page": page, "q": query, "import_form": ImportForm(), "postcode": postcode,
        "model_id": model_id, "models": HandsetModel.objects.order_by("brand", "name"),
        "proposals": proposals, "errors": request.session.pop("repairs_import_errors", None),
    })


@require_POST
@capability_required("repairs.change_servicepoint")
def points_import(request):
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a CSV file."))
        return redirect("repairs:points")
    try:
        text = form.cleaned_data["file"].read().decode("utf-8")
    except UnicodeDecodeError:
        messages.error(request, _("The file is not UTF-8 text."))
        return redirect("repairs:points")
    try:
        result = service_points_import(text=text)
    except ImportRefused as exc:
        messages.error(request, exc.message)
        request.session["repairs_import_errors"] = exc.errors[:200]
        return redirect("repairs:points")
    messages.success(request, _("Imported: %(created)s created, %(updated)s updated, "
                                "%(unchanged)s unchanged.") % result.__dict__)
    return redirect("repairs:points")


def _my_points(user):
    return ServicePoint.objects.all() if user.is_superuser else user.service_points.all()


@capability_required("repairs.change_referral")
def point_console(request):
    """Today's drop-offs, the handsets in the shop, those ready for collection."""
    mine = _my_points(request.user)
    base = Referral.objects.filter(service_point__in=mine).select_related(
        "case__customer", "case__handset__model", "service_point", "fault_code")
    reference = request.GET.get("ref", "").strip()
    found = None
    if reference:
        try:
            found = referral_service.referral_for_staff(user=request.user, reference=reference)
        except DomainError as exc:
            messages.error(request, exc.message)
    sections = [
        (_("Expected"), base.filter(status=ReferralStatus.AWAITING_DROP_OFF)
         .order_by("drop_off_day", "slot_start")[:50]),
        (_("In the shop"), base.filter(status=ReferralStatus.RECEIVED)
         .order_by("received_at")[:50]),
        (pgettext("counter section", "Ready for collection"), base.filter(
            status__in=[ReferralStatus.REPAIRED, ReferralStatus.NOT_REPAIRED])
         .order_by("outcome_at")[:50]),
    ]
    return render(request, "repairs/point_console.html", {
        "points": mine, "sections": sections, "found": found, "ref": reference,
        "receive_form": ReceiveForm(prefix="rc"), "outcome_form": OutcomeForm(prefix="oc"),
    })


@require_POST
@capability_required("repairs.change_referral")
def referral_act(request, reference, action):
    try:
        referral = referral_service.referral_for_staff(user=request.user, reference=reference)
        if action == "receive":
            form = ReceiveForm(request.POST, prefix="rc")
            if not form.is_valid():
                raise DomainError(_("IMEI: 15 digits."))
            referral_service.referral_receive(referral=referral, actor=request.user,
                                              imei=form.cleaned_data["imei"] or "")
        elif action == "outcome":
            form = OutcomeForm(request.POST, prefix="oc")
            if not form.is_valid():
                raise DomainError("; ".join(f"{form.fields[name].label}: {' '.join(errors)}"
                                            for name, errors in form.errors.items()))
            referral_service.referral_outcome(referral=referral, actor=request.user,
                                              **form.cleaned_data)
        elif action == "hand_back":
            referral_service.referral_hand_back(referral=referral, actor=request.user)
        else:
            raise DomainError(_("Unknown action."))
        referral.refresh_from_db()
        messages.success(request, _("%(reference)s: %(status)s.") % {
            "reference": referral.reference, "status": referral.get_status_display()})
    except DomainError as exc:
        messages.error(request, exc.message)
    # Back on the referral just worked, so its next step is at hand.
    return redirect(reverse("repairs:point_console") + "?" + urlencode({"ref": reference}))
