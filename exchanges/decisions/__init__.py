"""Decide what a diagnosis leads to: the diagnosis, the proposal and its confirmation, the
case's revision and cancellation, and the service order (swap or visit) it places."""
