"""The capabilities the calls pages and API check (granted in hotline.roles.ROLES)."""

VIEW_CALL_METRICS = "calls.view_call_metrics"  # wallboard, SLA per queue and per operator
PLAN_STAFFING = "calls.plan_staffing"  # forecast, planner, Erlang C calculator
