from hotline.tests.factories import CaseFactory, DistributorFactory, HandsetFactory
from partners.models import PublicCase, Scope
from partners.services.keys import key_create
from partners.status import public_status

ALL_SCOPES = list(Scope.values)


def api_key(distributor=None, *, scopes=None, **kwargs):
    """Return (key, secret) for `distributor` (a new one by default)."""
    distributor = distributor or DistributorFactory()
    return key_create(distributor=distributor, name=kwargs.pop("name", "test key"),
                      scopes=ALL_SCOPES if scopes is None else scopes, **kwargs)


def with_public_view(case):
    """Give a case made by a factory (no transition, no audit event) the public view that its
    changes' refresh would have given it (as of now), silently, as `public_cases_fill` does."""
    PublicCase.objects.get_or_create(case=case, defaults={
        "distributor_id": case.distributor_id, "status": public_status(case),
        "changed_at": case.updated_at})
    return case


def case_opened_by(distributor, *, public=False, **kwargs):
    case = CaseFactory(distributor=distributor, channel="distributor", **kwargs)
    return with_public_view(case) if public else case


def case_sold_by(distributor, *, public=False, **kwargs):
    case = CaseFactory(handset=HandsetFactory(sold_by=distributor), **kwargs)
    return with_public_view(case) if public else case
