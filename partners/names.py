"""Human names of the partners app's events (hotline.names)."""

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "api_key_created": _("API key created"),
    "api_key_revoked": _("API key revoked"),
    "webhook_subscribed": _("Webhook subscribed"),
    "webhook_changed": _("Webhook changed"),
    "webhook_disabled": _("Webhook disabled"),
    "webhook_deleted": _("Webhook deleted"),
}
