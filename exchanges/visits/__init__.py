"""Technician visits: services, slots, selectors, console views, API, the visit report PDF."""
