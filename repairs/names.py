"""Human names of the repairs app's events and messages (hotline.names)."""

from django.utils.translation import gettext_lazy as _

EVENTS = {
    # Referral and repair order transitions.
    "receive": _("Handset received"),
    "repair": _("Repaired by the service point"),
    "hand_back": _("Handed back to the customer"),
    "give_up": _("Referral given up"),
    "miss_drop_off": _("Handset never dropped off"),
    "diagnose": _("Repair diagnosed"),
    "wait_for_parts": _("Waiting for parts"),
    "start_repair": _("Repair started"),
    "finish_repair": _("Repair finished"),
    "fail_check": _("Quality check failed"),
    "find_no_fault": _("No fault found"),
    "replace": _("Replaced by a swap"),
    "retire": _("Unit retired"),
    "return_to_centre": _("Back to the repair centre"),
    "ship_back": _("Shipped back to the customer"),
    # Recorded events.
    "referral_created": _("Referral created"),
    "repair_ordered": _("Mail-in repair ordered"),
    "repair_label_booked": _("Repair label booked"),
    "repair_label_refused": _("Repair label refused"),
    "repair_reminder_sent": _("Repair reminder sent"),
    "repair_replaced_by_swap": _("Repair replaced by a swap"),
    "repair_return_requested": _("Repair return requested"),
    "repair_queued": _("Repair queued"),
    "repair_findings": _("Repair findings"),
    "quality_check_passed": _("Quality check passed"),
    "unit_refurbished": _("Unit refurbished"),
    "unit_retired": _("Unit retired"),
    "part_reserved": _("Part reserved"),
    "part_wanted": _("Part wanted"),
    "repair_consent": _("Customer consented to the repair"),
    "repair_declined": _("Customer declined the repair"),
    "parts_consumed": _("Parts used"),
    "parts_received": _("Parts received"),
    "parts_released": _("Parts released"),
    "tracking_event_recorded": _("Tracking event recorded"),
    "tracking_event_applied": _("Tracking event applied"),
}

MESSAGES = {
    "referral_booked": _("Referral booked"),
    "referral_received": _("Handset received by the service point"),
    "referral_ready": _("Handset ready at the service point"),
    "repair_label": _("Repair shipping label"),
    "repair_received": _("Repair received"),
    "repair_reminder": _("Repair reminder"),
    "repair_shipped": _("Repair shipped back"),
    "repair_replaced": _("Repair replaced by a swap"),
    "repair_lost": _("Repair parcel lost"),
    "repair_cancelled": _("Repair cancelled"),
}
