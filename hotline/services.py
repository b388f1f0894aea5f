"""Use cases of the core domain: customers, handsets, cases."""

from __future__ import annotations

import datetime

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hotline.capabilities import OVERRIDE_DECISION, has_capability
from hotline.errors import CaseError, OpenCaseExists, PermissionRefused
from hotline.models import (
    Address,
    Case,
    CaseChannel,
    CaseStatus,
    Customer,
    CustomerPhone,
    Distributor,
    Handset,
    HandsetModel,
    Sequence,
)
from hotline.notifications import notification_send
from hotline.validators import normalise_country, normalise_phone
from hotline.workflow import actor_or_none, record_event, transition

# A case at work: a second case for its handset is refused (see case_open).
WORKING_CASE_STATES = [CaseStatus.OPEN, CaseStatus.DIAGNOSING, CaseStatus.AWAITING_CONSENT,
                       CaseStatus.IN_SERVICE]


def sequence_next(*, name: str) -> int:
    """Return the next value of counter `name`; concurrent callers never get the same one.

    The UPDATE takes the row lock, so a second transaction waits until the first commits and
    then reads the incremented value. Call inside the transaction that uses the number.
    """
    for _attempt in range(3):
        if Sequence.objects.filter(name=name).update(value=F("value") + 1):
            return Sequence.objects.get(name=name).value
        try:
            with transaction.atomic():
                Sequence.objects.create(name=name, value=1)
            return 1
        except IntegrityError:
            continue  # someone created it first: increment theirs
    raise RuntimeError(f"could not allocate a number from sequence {name}")


def case_number_next(*, year: int | None = None) -> str:
    """Return the next case number, e.g. HL-2026-000123."""
    year = year or timezone.localdate().year
    prefix = settings.HOTLINE_CASE_PREFIX
    return f"{prefix}-{year}-{sequence_next(name=f'case-{year}'):06d}"


def customer_create(
    *, last_name: str, first_name: str = "", email: str = "", country: str = "FR",
    language: str = "fr", phones: list[str] | tuple[str, ...] = (),
    address: dict | None = None, actor=None,
) -> Customer:
    """Create a customer with phone numbers (normalised to E.164) and an address."""
    errors: dict[str, list[str]] = {}
    try:
        country = normalise_country(country or "FR")
    except ValidationError as exc:
        raise ValidationError({"country": exc.messages}) from None
    normalised = []
    for raw in phones:
        try:
            normalised.append(normalise_phone(raw, region=country))
        except ValidationError as exc:
            errors.setdefault("phones", []).extend(exc.messages)
    customer = Customer(first_name=first_name, last_name=last_name, email=email,
                        country=country, language=language)
    try:
        customer.full_clean()
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    address_obj = None
    if address:
        address_obj = Address(customer=customer, **{"country": country, **address})
        try:
            address_obj.full_clean(exclude=["customer"])
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(f"address.{field}", []).extend(messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        customer.save()
        for number in dict.fromkeys(normalised):
            CustomerPhone.objects.create(customer=customer, number=number)
        if address_obj is not None:
            address_obj.customer = customer
            address_obj.save()
        record_event(customer, action="customer_created", actor=actor)
    return customer


def handset_register(
    *, imei: str, owner: Customer | None = None, model: HandsetModel | None = None,
    purchase_date: datetime.date | None = None, sold_by: Distributor | None = None,
    firmware_version: str = "", actor=None,
) -> Handset:
    """Register a handset; the model comes from the IMEI's TAC unless given."""
    handset = Handset(imei=imei, owner=owner, model=model, purchase_date=purchase_date,
                      sold_by=sold_by, firmware_version=firmware_version)
    handset.full_clean()
    with transaction.atomic():
        handset.save()
        record_event(handset, action="handset_registered", actor=actor,
                     data={"imei": handset.imei, "model": str(handset.model)})
    return handset


def case_follow_up_window() -> datetime.timedelta:
    """Return how long a settled case stays open to a repeat contact before it closes."""
    return datetime.timedelta(days=settings.HOTLINE_CASE_FOLLOW_UP_DAYS)


def case_open(
    *, customer: Customer, symptom: str, handset: Handset | None = None, description: str = "",
    channel: str = CaseChannel.PHONE, distributor: Distributor | None = None, actor=None,
    second: bool = False,
) -> Case:
    """Open a case with a fresh number, or reopen the handset's case still in its follow-up window.

    A repeat contact about the same handset within the window (the case advised, resolved,
    declined or referred) reopens that case to diagnosing instead of opening a new one. While
    the handset has a case at work (open, diagnosing, awaiting consent, in service), a second
    one is refused naming it (`code="open_case_exists"`), unless a supervisor asks for it
    (`second`, the capability OVERRIDE_DECISION) or the system does (no actor: the demo's
    past cases, imports).
    """
    if second and actor is not None and not has_capability(actor, OVERRIDE_DECISION):
        raise PermissionRefused(_("Only a supervisor may open a second case for a handset "
                                  "that has one at work."), code="second_case_permission")
    if handset is not None and handset.owner_id not in (None, customer.pk):
        raise CaseError(_("This handset is registered to another customer."), field="handset")
    case = Case(customer=customer, handset=handset, symptom=symptom, description=description,
                channel=channel, distributor=distributor,
                opened_by=actor_or_none(actor))
    case.full_clean(exclude=["number", "status"])
    with transaction.atomic():
        if handset is not None:
            settled = Case.objects.select_for_update().settled()
            if distributor is not None:
                # A distributor may only reopen a case it can see; otherwise a new one opens.
                settled = settled.visible_to_distributor(distributor)
            recent = (settled.filter(handset=handset,
                                     settled_at__gte=timezone.now() - case_follow_up_window())
                      .order_by("-settled_at").first())
            if recent is not None:
                return case_reopen(case=recent, actor=actor, symptom=symptom,
                                   description=description, channel=channel)
            working = (Case.objects.filter(handset=handset, status__in=WORKING_CASE_STATES)
                       .order_by("-created_at").first())
            if working is not None and not second:
                raise OpenCaseExists(_("Case %(number)s is still at work for this handset: "
                                       "continue it (a supervisor may open a second case).")
                                     % {"number": working.number}, field="handset",
                                     code="open_case_exists",
                                     details={"open_case": working.number})
        if handset is not None and handset.owner_id is None:
            handset.owner = customer
            handset.save(update_fields=["owner"])
        case.number = case_number_next()
        case.save()
        record_event(case, action="opened", actor=actor, target=case.status,
                     data={"channel": channel, "symptom": symptom})
        notification_send(case=case, template="case_opened")
    return case


def case_reopen(
    *, case: Case, actor=None, symptom: str = "", description: str = "", channel: str = "",
) -> Case:
    """Reopen a settled case after a repeat contact about its handset."""
    with transaction.atomic():
        transition(case, "reopen", actor=actor, reason=gettext_noop("repeat contact"),
                   data={"symptom": symptom, "description": description, "channel": channel})
        notification_send(case=case, template="case_reopened")
    return case


def case_start_diagnosis(*, case: Case, actor=None) -> Case:
    """Move an open case to diagnosing."""
    return transition(case, "start_diagnosis", actor=actor)


def case_resolve(*, case: Case, actor=None, actor_label: str = "", reason: str = "",
                 data: dict | None = None) -> Case:
    """Mark a case in service resolved (its swap closed or its visit fixed the fault)."""
    with transaction.atomic():
        transition(case, "resolve", actor=actor, actor_label=actor_label, reason=reason,
                   data=data)
        notification_send(case=case, template="resolved")
    return case


def case_close_due(*, now: datetime.datetime | None = None) -> int:
    """Close every settled case whose follow-up window is over; return how many were closed."""
    before = (now or timezone.now()) - case_follow_up_window()
    closed = 0
    for pk in Case.objects.follow_up_over(before=before).values_list("pk", flat=True)[:1000]:
        with transaction.atomic():
            case = Case.objects.select_for_update().follow_up_over(before=before).filter(
                pk=pk).first()
            if case is None:
                continue  # reopened or closed meanwhile
            transition(case, "close", actor_label=gettext_noop("system"),
                       reason=gettext_noop("follow-up window over"))
            closed += 1
    return closed


def case_cancel(*, case: Case, reason: str, actor=None) -> Case:
    """Cancel a case, with the reason it was cancelled.

    A case in service (its swap or visit under way) may be cancelled only by a supervisor; the
    apps that hold the case's service records cancel them in the same transaction (their
    AppConfig's `case_cancelled_hooks`).
    """
    if not reason.strip():
        raise CaseError(_("Say why the case is cancelled."), field="reason")
    name = "cancel_in_service" if case.status == CaseStatus.IN_SERVICE else "cancel"
    with transaction.atomic():
        transition(case, name, actor=actor, reason=reason)
        case_hooks_run("case_cancelled_hooks", case=case, actor=actor, reason=reason)
    return case


def case_hooks_run(hooks: str, *, case: Case, actor=None, reason: str = "") -> None:
    """Run every app's hooks of one kind (`case_cancelled_hooks`, `case_revised_hooks`: dotted
    paths on their AppConfig) in the caller's transaction; a hook refuses by raising."""
    for config in apps.get_app_configs():
        for path in getattr(config, hooks, ()):
            import_string(path)(case=case, actor=actor, reason=reason)
