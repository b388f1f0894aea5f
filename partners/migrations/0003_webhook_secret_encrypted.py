"""Webhook signing secrets are stored encrypted (hotline.encryption): existing plaintext
secrets are encrypted in place, then the plaintext column goes."""

from django.db import migrations, models

from hotline.encryption import decrypt, encrypt


def encrypt_secrets(apps, schema_editor):
    Subscription = apps.get_model("partners", "WebhookSubscription")
    for subscription in Subscription.objects.only("pk", "secret").iterator():
        Subscription.objects.filter(pk=subscription.pk).update(
            secret_encrypted=encrypt(subscription.secret))


def decrypt_secrets(apps, schema_editor):
    Subscription = apps.get_model("partners", "WebhookSubscription")
    for subscription in Subscription.objects.only("pk", "secret_encrypted").iterator():
        Subscription.objects.filter(pk=subscription.pk).update(
            secret=decrypt(subscription.secret_encrypted))


class Migration(migrations.Migration):

    dependencies = [
        ("partners", "0002_public_status_repair_words"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhooksubscription",
            name="secret_encrypted",
            field=models.TextField(default="", editable=False,
                                   help_text="Signs every delivery; shown once at creation.",
                                   verbose_name="signing secret (encrypted)"),
            preserve_default=False,
        ),
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
        migrations.RemoveField(model_name="webhooksubscription", name="secret"),
    ]
