from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    """Distributors' access: the public status vocabulary, API keys, webhooks (docs/partners.md).

    Above hotline, exchanges and carriers; nothing imports it but URLs and settings.
    """

    name = "partners"
    verbose_name = _("Partners")
    default_auto_field = "django.db.models.BigAutoField"
