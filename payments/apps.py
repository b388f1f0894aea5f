from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hotline.navigation import NavItem
from payments.capabilities import MANAGE_PAYMENTS


class PaymentsConfig(AppConfig):
    """Payments through a provider registry (sandbox, Stripe-shaped); knows nothing of cases."""

    name = "payments"
    verbose_name = _("Payments")
    default_auto_field = "django.db.models.BigAutoField"
    human_names = "payments.names"  # timeline events and messages by name (hotline.names)
    nav_items = (NavItem(_("Payments"), "payments:list", MANAGE_PAYMENTS, order=75,
                         group="cases"),)
    # Dotted paths to `callback(payment, kind)`; payments subscribes nobody itself: the apps
    # that ask for money (exchanges for quotes) add theirs in their own AppConfig.
    payment_subscribers = ()
