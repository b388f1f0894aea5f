from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hotline.navigation import NavItem


class PartnersConfig(AppConfig):
    """Distributors' access: the public status vocabulary, API keys, webhooks (docs/partners.md).

    Above hotline, exchanges and carriers; nothing imports it but URLs and settings.
    """

    name = "partners"
    verbose_name = _("Partners")
    default_auto_field = "django.db.models.BigAutoField"
    human_names = "partners.names"  # timeline events and messages by name (hotline.names)
    # Supervisors manage every distributor's access; a distributor's users see their own.
    nav_items = (
        NavItem(_("Partners"), "partners:home", "partners.add_distributorkey", order=88,
                group="admin"),
        NavItem(_("Partner access"), "partners:home", "hotline.follow_distributor_cases",
                order=88),
    )
    # A courier's news on a swap's parcel is a tracking milestone for the case's partners.
    carrier_subscribers = ("partners.services.public.shipment_event",)

    def ready(self):
        # Every transition of a machine the public status is mapped from (and a case's
        # opening) refreshes the case's public view after commit (hotline.audit_hooks).
        from django.apps import apps

        from hotline.audit_hooks import AuditSubscriber
        from partners.keycache import connect
        from partners.status import MACHINES

        connect()  # cached API keys go stale when a key, user or role changes

        actions = {"opened"}
        for machine in MACHINES:
            model = apps.get_model(machine.model)
            actions |= {name for name in dir(model)
                        if getattr(getattr(model, name, None), "_django_fsm", None) is not None}
        self.audit_subscribers = (
            AuditSubscriber("partners.services.public.audit_event_seen",
                            actions=frozenset(actions)),)
