from hotline.tests.factories import CaseFactory, DistributorFactory, HandsetFactory
from partners.models import Scope
from partners.services.keys import key_create

ALL_SCOPES = list(Scope.values)


def api_key(distributor=None, *, scopes=None, **kwargs):
    """Return (key, secret) for `distributor` (a new one by default)."""
    distributor = distributor or DistributorFactory()
    return key_create(distributor=distributor, name=kwargs.pop("name", "test key"),
                      scopes=ALL_SCOPES if scopes is None else scopes, **kwargs)


def case_opened_by(distributor, **kwargs):
    return CaseFactory(distributor=distributor, channel="distributor", **kwargs)


def case_sold_by(distributor, **kwargs):
    return CaseFactory(handset=HandsetFactory(sold_by=distributor), **kwargs)
