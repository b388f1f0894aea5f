"""Hotline's core domain. Imports no other app of ours."""

from hotline.models.audit import AuditEvent
from hotline.models.cases import Case, CaseChannel, CaseStatus, Sequence, Symptom
from hotline.models.catalogue import HandsetModel, ModelVariant, Tac
from hotline.models.handsets import Handset
from hotline.models.notifications import Notification, NotificationChannel, NotificationStatus
from hotline.models.outbox import OutboxMessage
from hotline.models.parties import Address, Customer, CustomerPhone, Distributor, Profile

__all__ = [
    "Address",
    "AuditEvent",
    "Case",
    "CaseChannel",
    "CaseStatus",
    "Customer",
    "CustomerPhone",
    "Distributor",
    "Handset",
    "HandsetModel",
    "ModelVariant",
    "Notification",
    "NotificationChannel",
    "NotificationStatus",
    "OutboxMessage",
    "Profile",
    "Sequence",
    "Symptom",
    "Tac",
]
