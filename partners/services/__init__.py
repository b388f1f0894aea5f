"""Use cases of partners: keys (keys.py), the public view kept current (public.py),
webhooks (webhooks.py), idempotent POSTs (idempotency.py)."""
