"""Quotes and the customer's consent: services, selectors, console and public views, API, PDF."""
