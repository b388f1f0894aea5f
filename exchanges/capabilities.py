"""The capabilities the exchanges pages and API check (granted in hotline.roles.ROLES)."""

VIEW_SWAPS = "exchanges.view_swap"  # a case's swaps, their options and the IMEI ledger
CHANGE_SWAPS = "exchanges.change_swap"  # swap actions and the exceptions queue
INSPECT_SWAPS = "exchanges.add_swapinspection"  # returned units: the worklist, inspections
VIEW_VISITS = "exchanges.view_visit"  # a visit and its report (technicians: their own only)
WORK_VISITS = "exchanges.change_visit"  # a visit's steps (technicians: their own only)
WORK_VISIT_ROUNDS = "exchanges.work_visit_rounds"  # the visit day sheet
DISPATCH_VISITS = "exchanges.dispatch_visits"  # every technician's visits, visit measures
