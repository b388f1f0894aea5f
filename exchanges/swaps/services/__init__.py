"""Home swaps: reserve a like-for-like unit, promise, book the courier, follow the parcel, work
the exceptions, inspect the returned unit and keep the IMEI ledger; remind and charge.

One module a concern; every state change goes through hotline.workflow.transition (guarded,
audited); side effects (courier booking, customer messages) go through the transactional
outbox after commit.
"""

from exchanges.swaps.services.booking import (
    BOOK_TASK,
    BOOKABLE,
    COLLECT_TASK,
    booking_key,
    swap_book,
    swap_book_run,
    swap_booking_gave_up,
    swap_collection_book,
    swap_collection_book_run,
    tracking_url,
)
from exchanges.swaps.services.exceptions import (
    swap_cancel,
    swap_refund,
    swap_reship,
    swaps_case_cancelled,
)
from exchanges.swaps.services.inspection import (
    QUARANTINE_OUTCOMES,
    ledger_record,
    swap_inspect,
    swap_return_receive,
)
from exchanges.swaps.services.promise import StockOption, swap_promise, swap_stock_options
from exchanges.swaps.services.reminders import swap_charge, swaps_remind, unreturned_charge_terms
from exchanges.swaps.services.reservation import (
    swap_choose_variant,
    swap_reserve,
    swaps_restock,
)
from exchanges.swaps.services.tracking import swap_tracking_apply

__all__ = [
    "BOOKABLE",
    "BOOK_TASK",
    "COLLECT_TASK",
    "QUARANTINE_OUTCOMES",
    "StockOption",
    "booking_key",
    "ledger_record",
    "swap_book",
    "swap_book_run",
    "swap_booking_gave_up",
    "swap_cancel",
    "swap_charge",
    "swap_choose_variant",
    "swap_collection_book",
    "swap_collection_book_run",
    "swap_inspect",
    "swap_promise",
    "swap_refund",
    "swap_reship",
    "swap_reserve",
    "swap_return_receive",
    "swap_stock_options",
    "swap_tracking_apply",
    "tracking_url",
    "swaps_case_cancelled",
    "swaps_remind",
    "swaps_restock",
    "unreturned_charge_terms",
]
