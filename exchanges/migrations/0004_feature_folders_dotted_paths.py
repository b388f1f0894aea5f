"""exchanges is organised in feature folders: rewrite the dotted paths stored in rows written
before (e-mail attachments of notifications, carrier subscribers of queued outbox messages), so
that what is queued or retried after the upgrade still finds its function. Tables unchanged."""

from django.db import migrations

ATTACHMENTS = {
    "exchanges.pdf.quote_pdf_attachment": "exchanges.quotes.pdf.quote_pdf_attachment",
    "exchanges.pdf.visit_report_attachment": "exchanges.visits.pdf.visit_report_attachment",
}
SUBSCRIBERS = {"exchanges.tracking.on_shipment_event": "exchanges.swaps.subscriber.on_shipment_event"}


def _rewrite(mapping_attachments, mapping_subscribers):
    def run(apps, schema_editor):
        Notification = apps.get_model("hotline", "Notification")
        OutboxMessage = apps.get_model("hotline", "OutboxMessage")
        for old, new in mapping_attachments.items():
            Notification.objects.filter(attachment=old).update(attachment=new)
        for message in OutboxMessage.objects.filter(task="carriers.tasks.shipment_notify",
                                                    dispatched_at__isnull=True):
            new = mapping_subscribers.get(message.kwargs.get("subscriber"))
            if new:
                message.kwargs["subscriber"] = new
                message.save(update_fields=["kwargs"])
    return run


class Migration(migrations.Migration):
    dependencies = [
        ("exchanges", "0003_swaps_stock_promise_inspection"),
        ("hotline", "0002_case_reopened_count_case_settled_at_notification"),
    ]

    operations = [
        migrations.RunPython(
            _rewrite(ATTACHMENTS, SUBSCRIBERS),
            _rewrite({v: k for k, v in ATTACHMENTS.items()}, {v: k for k, v in SUBSCRIBERS.items()}),
        ),
    ]
