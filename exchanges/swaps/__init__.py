"""Home swaps: services (one module a concern), selectors, console views, API, tasks."""
