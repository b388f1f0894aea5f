"""The fulfilment providers repairs plugs into the case workflow (exchanges), through
`fulfilment_providers` on RepairsConfig and hotline.fulfilment: exchanges never imports
repairs. A provider says whether its outcome is possible for a case (with the operator's
reasons) and carries it out in the transaction that decides it."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.errors import CaseError
from hotline.fulfilment import Assessment
from repairs.models import Part, ServicePoint, StockLocation
from repairs.services.mail_in import mail_in_create, repair_promise
from repairs.services.points import service_point_proposals
from repairs.services.referrals import referral_create


class ServicePointReferral:
    """Referral to a service point: proposals ranked, the chosen one booked and followed."""

    def assess(self, *, case) -> Assessment:
        address = case.customer.default_address
        if case.handset is None or case.handset.model_id is None or address is None:
            return Assessment(False, [_("Without the handset's model and the customer's "
                                        "address no service point can be proposed.")])
        proposals = service_point_proposals(model=case.handset.model,
                                            postcode=address.postcode, country=address.country)
        if not proposals:
            return Assessment(False, [_("No service point repairs the %(model)s at "
                                        "%(postcode)s.") % {"model": case.handset.model,
                                                            "postcode": address.postcode}])
        best = proposals[0]
        return Assessment(True, [_("%(count)s service point(s) repair the %(model)s at "
                                   "%(postcode)s; best: %(name)s (%(left)s place(s) left on "
                                   "%(day)s).") % {
            "count": len(proposals), "model": case.handset.model, "postcode": address.postcode,
            "name": best.point.name, "left": max(best.capacity_left, 0),
            "day": best.day.isoformat() if best.day else "—"}])

    def will_follow(self, *, case, options: dict) -> bool:
        """Whether the referral goes to a chosen service point (and the case follows it).
        With proposals on offer, one must be chosen: a referral says where to go."""
        if options.get("service_point"):
            return True
        if self.assess(case=case).feasible:
            raise CaseError(_("Pick one of the proposed service points for the referral."),
                            field="service_point", code="no_service_point")
        return False

    def fulfil(self, *, case, decision, actor=None, quote=None, options: dict):
        point = ServicePoint.objects.filter(pk=options.get("service_point")).first()
        if point is None:
            raise CaseError(_("Unknown service point."), field="service_point")
        slot = options.get("slot_start")
        if isinstance(slot, str) and slot:
            slot = datetime.datetime.fromisoformat(slot)
        if isinstance(slot, datetime.datetime) and timezone.is_naive(slot):
            slot = timezone.make_aware(slot)
        return referral_create(case=case, service_point=point, decision=decision, actor=actor,
                               slot_start=slot or None)


class MailInRepair:
    """Mail-in repair at the repair centre, for models it knows (a parts catalogue)."""

    def assess(self, *, case) -> Assessment:
        handset = case.handset
        address = case.customer.default_address
        if handset is None or handset.model_id is None or address is None:
            return Assessment(False, [])
        if not StockLocation.objects.filter(is_repair_centre=True).exists() or not (
                Part.objects.filter(handset_models=handset.model, active=True).exists()):
            return Assessment(False, [_("The repair centre does not repair the %(model)s.")
                                      % {"model": handset.model}])
        promise = repair_promise(at=timezone.now(), postcode=address.postcode,
                                 country=address.country, received=False)
        return Assessment(True, [_("The repair centre repairs the %(model)s: mail-in repair, "
                                   "back by %(date)s if sent today.") % {
            "model": handset.model,
            "date": timezone.localtime(promise.deliver_by).date().isoformat()}])

    def will_follow(self, *, case, options: dict) -> bool:
        return True

    def fulfil(self, *, case, decision, actor=None, quote=None, options: dict):
        return mail_in_create(case=case, decision=decision, quote=quote, actor=actor)


referral = ServicePointReferral()
mail_in = MailInRepair()
