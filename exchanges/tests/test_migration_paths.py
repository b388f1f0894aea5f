"""The feature-folder migration rewrites the dotted paths rows stored before it."""

import importlib

import pytest
from django.apps import apps

from hotline.models import Notification, OutboxMessage
from hotline.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module("exchanges.migrations.0004_feature_folders_dotted_paths")


def test_queued_attachments_and_subscribers_find_their_new_homes():
    case = CaseFactory()
    mail = Notification.objects.create(case=case, channel="email", template="quote",
                                       language="fr", recipient="a@example.org",
                                       attachment="exchanges.pdf.quote_pdf_attachment")
    queued = OutboxMessage.objects.create(
        task="carriers.tasks.shipment_notify", idempotency_key="k1",
        kwargs={"event_id": 1, "subscriber": "exchanges.tracking.on_shipment_event"})

    migration._rewrite(migration.ATTACHMENTS, migration.SUBSCRIBERS)(apps, None)

    mail.refresh_from_db()
    queued.refresh_from_db()
    assert mail.attachment == "exchanges.quotes.pdf.quote_pdf_attachment"
    assert queued.kwargs["subscriber"] == "exchanges.swaps.subscriber.on_shipment_event"
