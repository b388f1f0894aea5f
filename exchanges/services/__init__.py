"""Use cases of the exchanges app: decide, quote, consent, and order the swap or the visit."""

from exchanges.services.decisions import (
    Proposal,
    case_cancelled,
    case_revise,
    decision_confirm,
    decision_evaluate,
    decision_propose,
    diagnosis_record,
)
from exchanges.services.fulfilment import service_order_create, swap_request, visit_request
from exchanges.services.quotes import (
    quote_accept,
    quote_create,
    quote_decline,
    quote_expire,
    quote_link,
    quote_resend,
    quote_withdraw,
    quotes_expire_due,
)
from exchanges.services.visits import (
    visit_arrive,
    visit_complete,
    visit_escalate,
    visit_no_access,
    visit_schedule,
    visit_start_route,
    visit_switch_to_swap,
)

__all__ = [
    "Proposal",
    "case_cancelled",
    "case_revise",
    "decision_confirm",
    "decision_evaluate",
    "decision_propose",
    "diagnosis_record",
    "quote_accept",
    "quote_create",
    "quote_decline",
    "quote_expire",
    "quote_link",
    "quote_resend",
    "quote_withdraw",
    "quotes_expire_due",
    "service_order_create",
    "swap_request",
    "visit_arrive",
    "visit_complete",
    "visit_escalate",
    "visit_no_access",
    "visit_request",
    "visit_schedule",
    "visit_start_route",
    "visit_switch_to_swap",
]
