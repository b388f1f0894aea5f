from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from carriers.capabilities import VIEW_SHIPMENTS
from hotline.navigation import NavItem


class CarriersConfig(AppConfig):
    name = "carriers"
    verbose_name = _("Carriers")
    default_auto_field = "django.db.models.BigAutoField"
    human_names = "carriers.names"  # timeline events and messages by name (hotline.names)
    # A courier's code stored as who acted, shown as its name (hotline.i18n.stored_text).
    stored_values = ("carriers.names.carrier_name",)
    nav_items = (
        NavItem(_("Shipments"), "carriers:shipment_list", VIEW_SHIPMENTS, order=40, group="logistics"),
    )
    # Dotted paths to `callback(shipment, event)`, told of every status change after commit.
    # Carriers itself subscribes nobody; consumers (the swap workflow) add theirs in their own
    # AppConfig's `carrier_subscribers`.
    carrier_subscribers = ()
    case_panels = ("carriers.panels.case_shipments",)

    def ready(self):
        # Imported here, not at the top: the checks reach the models, which need the app
        # registry that is being filled while this module loads.
        from carriers import checks  # noqa: F401  (registers the start-up checks)
