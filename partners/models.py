"""Distributors' API keys, webhook subscriptions and deliveries (coming with issue 13)."""
