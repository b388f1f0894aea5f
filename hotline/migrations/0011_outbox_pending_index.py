# The relay's look-up of the messages not sent yet (many times a second under load, with the
# listening relay): a partial index of the pending ones. Built CONCURRENTLY on PostgreSQL (the
# outbox keeps the sent messages: a big table, whose writes a plain CREATE INDEX would block).

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    """CREATE INDEX CONCURRENTLY on PostgreSQL, a plain CREATE INDEX elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_forwards(self, app_label, schema_editor,
                                                     from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_backwards(self, app_label, schema_editor,
                                                      from_state, to_state)


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ('hotline', '0010_customer_search_statistics'),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name='outboxmessage',
            index=models.Index(condition=models.Q(('dispatched_at__isnull', True)),
                               fields=['available_at', 'id'], name='outbox_pending'),
        ),
    ]
