"""Use cases of the repairs app (docs/repairs.md)."""
