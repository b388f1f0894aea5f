"""The stored public view (partners.snapshot): what the status API answers from it is, for
every state a case can be in, exactly what the live view says, in each language; and it is
never stale, not even before the refresh that follows a change has run."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from carriers.domain import CarrierEvent
from carriers.models import TrackingEvent
from carriers.services import tracking_ingest
from carriers.tests.factories import ShipmentFactory
from exchanges.decisions.fulfilment import swap_request
from exchanges.models import Quote
from exchanges.tests.factories import SwapFactory, VisitFactory, confirmed_decision, swap_case
from hotline.models import Case
from hotline.tests.factories import CaseFactory, DistributorFactory, HandsetFactory
from hotline.workflow import record_event, transition
from partners.api.serializers import CasePublicSerializer
from partners.models import PublicCase
from partners.selectors import case_public_view, cases_visible
from partners.services.public import public_case_refresh
from partners.snapshot import case_views, cases_answered, view_read, view_store
from partners.status import MACHINES
from partners.tests.factories import api_key
from repairs.models import Referral, RepairOrder
from repairs.tests.factories import ServicePointFactory, quick_fault

pytestmark = pytest.mark.django_db

# Every state of every machine the public status is mapped from: every public status.
STATES = [(machine.model, state) for machine in MACHINES for state in machine.mapping]


@pytest.fixture
def telco():
    return DistributorFactory(code="telco", name="Telco")


def _case(telco, status):
    return CaseFactory(distributor=telco, channel="distributor", status=status,
                       handset=HandsetFactory(purchase_date=datetime.date(2026, 3, 1)))


def _parcel(carrier="sandbox", events=2):
    parcel = ShipmentFactory(carrier=carrier, status="in_transit")
    for n in range(events):
        TrackingEvent.objects.create(
            shipment=parcel, status="in_transit" if n else "booked", location=f"Hub {n}",
            occurred_at=timezone.now() - datetime.timedelta(hours=5 - n), source="webhook",
            dedupe_key=f"e-{parcel.pk}-{n}")
    return parcel


def _quote(case, status="pending"):
    return Quote.objects.create(
        case=case, decision=confirmed_decision(case, "swap"), number=f"Q-T-{case.pk}",
        token=f"token-{case.pk}", outcome="swap", currency="EUR", subtotal=Decimal("10.00"),
        delivery_fee=Decimal("0"), tax_rate=Decimal("0.2"), tax_amount=Decimal("2.00"),
        total=Decimal("12.00"), status=status,
        answered_at=None if status == "pending" else timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(days=7))


def case_in(telco, model: str, state: str, *, carrier="sandbox"):
    """A case whose public status comes from `model` being in `state`, with a trail."""
    if model == "hotline.Case":
        case = _case(telco, state)
        if state == "awaiting_consent":
            _quote(case)
    elif model == "exchanges.Swap":
        case = _case(telco, "in_service")
        SwapFactory(case=case, status=state, outbound=_parcel(carrier),
                    promised_by=timezone.now() + datetime.timedelta(days=1))
        _quote(case, status="accepted")
    elif model == "exchanges.Visit":
        case = _case(telco, "in_service")
        VisitFactory(case=case, status=state)
    elif model == "repairs.Referral":
        case = _case(telco, "referred")
        Referral.objects.create(reference=f"SP-T-{case.pk}", case=case,
                                service_point=ServicePointFactory(), status=state,
                                drop_off_day=datetime.date(2026, 12, 7))
    else:
        case = _case(telco, "in_service")
        RepairOrder.objects.create(number=f"R-T-{case.pk}", kind="mail_in", case=case,
                                   model=case.handset.model, imei=case.handset.imei,
                                   fault_code=quick_fault(), status=state, street="1 rue",
                                   postcode="75002", city="Paris", country="FR")
    record_event(case, action="start_diagnosis", source="open", target="diagnosing")
    if case.status not in ("open", "diagnosing"):
        record_event(case, action="decide", source="diagnosing", target=case.status)
    return case


def live(case, *, staff):
    return CasePublicSerializer(case_public_view(cases_visible().get(pk=case.pk),
                                                 staff=staff)).data


def stored(case, distributor, *, staff):
    """The view answered from the stored one (None when it would not be used)."""
    return view_read(cases_answered(distributor=distributor).get(pk=case.pk), staff=staff)


@pytest.mark.parametrize(("model", "state"), STATES, ids=[f"{m}:{s}" for m, s in STATES])
def test_the_stored_view_answers_what_the_live_view_says_in_every_state(telco, model, state):
    case = case_in(telco, model, state)
    with translation.override("fr"):  # stored in French, read in English and French
        public_case_refresh(case_id=case.pk)

    for language in ("en", "fr"):
        with translation.override(language):
            for distributor, staff in ((telco, False), (None, True)):
                answered = stored(case, distributor, staff=staff)

                assert answered is not None, "the stored view was not used"
                assert answered == live(case, staff=staff)


def test_a_parcel_with_a_courier_since_removed_reads_its_code_and_no_link(telco):
    case = case_in(telco, "exchanges.Swap", "in_transit", carrier="gone")
    public_case_refresh(case_id=case.pk)

    answered = stored(case, telco, staff=False)

    assert (answered["shipment"]["courier"], answered["shipment"]["tracking_url"]) == \
        ("gone", None)
    assert answered == live(case, staff=False)


def test_a_case_with_no_public_view_yet_is_answered_live_and_not_given_one(telco):
    case = case_in(telco, "exchanges.Visit", "scheduled")
    assert not PublicCase.objects.filter(case=case).exists()  # made before partners

    for language in ("en", "fr"):
        with translation.override(language):
            [answered] = case_views([cases_answered(distributor=telco).get(pk=case.pk)],
                                    staff=False)

            assert answered == live(case, staff=False)
    assert not PublicCase.objects.filter(case=case).exists()  # its refresh makes it


def test_a_public_view_of_before_the_migration_is_answered_live_then_stored(telco):
    case = case_in(telco, "exchanges.Swap", "delivered")
    public_case_refresh(case_id=case.pk)
    PublicCase.objects.filter(case=case).update(view=None)

    [first] = case_views([cases_answered(distributor=telco).get(pk=case.pk)], staff=False)

    assert first == live(case, staff=False)
    assert stored(case, telco, staff=False) == first


def test_the_api_answers_in_the_readers_language_from_the_stored_view(telco, key_client):
    case = case_in(telco, "exchanges.Swap", "out_for_delivery")
    public_case_refresh(case_id=case.pk)
    _key, secret = api_key(telco)
    api = key_client(secret)

    body = api.get(reverse("api-case-detail", args=[case.number]),
                   HTTP_ACCEPT_LANGUAGE="fr").json()

    with translation.override("fr"):
        assert body == live(case, staff=False)
    assert body["status_label"] == "Remplacement expédié"


def test_a_view_stored_in_another_time_zone_is_not_used(telco, settings):
    case = case_in(telco, "exchanges.Visit", "scheduled")
    public_case_refresh(case_id=case.pk)

    with timezone.override("America/New_York"):
        assert stored(case, telco, staff=False) is None
        [answered] = case_views([cases_answered(distributor=telco).get(pk=case.pk)],
                                staff=False)

        assert answered == live(case, staff=False)


def test_a_read_right_after_a_transition_commits_shows_it_before_the_refresh_runs(
        telco, key_client):
    case = _case(telco, "open")
    public_case_refresh(case_id=case.pk)
    _key, secret = api_key(telco)
    api = key_client(secret)
    assert api.get(reverse("api-case-detail", args=[case.number])).json()["status"] == \
        "received"

    transition(Case.objects.get(pk=case.pk), "start_diagnosis")  # its refresh not run

    body = api.get(reverse("api-case-detail", args=[case.number])).json()
    assert body["status"] == "diagnosing"
    assert body == live(case, staff=False)


def test_a_read_right_after_a_tracking_event_commits_shows_it_before_the_refresh_runs(
        telco, key_client, fault_codes, django_capture_on_commit_callbacks):
    case, decision = swap_case()
    Case.objects.filter(pk=case.pk).update(distributor=telco)
    with django_capture_on_commit_callbacks(execute=True):  # booked, refreshed, stored
        swap = swap_request(case=case, decision=decision)
    swap.refresh_from_db()
    assert stored(case, telco, staff=False) is not None
    _key, secret = api_key(telco)
    api = key_client(secret)
    before = api.get(reverse("api-case-detail", args=[case.number])).json()

    tracking_ingest(carrier="sandbox", source="webhook", events=[CarrierEvent(
        tracking_number=swap.outbound.tracking_number, status="in_transit",
        occurred_at=timezone.now(), raw_code="PU", raw_text="Picked up", location="Hub 9")])

    body = api.get(reverse("api-case-detail", args=[case.number])).json()
    assert body["shipment"]["events"][-1]["location"] == "Hub 9"
    assert len(body["shipment"]["events"]) == len(before["shipment"]["events"]) + 1
    assert body == live(case, staff=False)


def test_a_refresh_after_the_change_stores_the_view_the_next_reads_use(telco):
    case = case_in(telco, "exchanges.Visit", "requested")
    public_case_refresh(case_id=case.pk)

    _quote(case)  # a new quote, no event
    assert stored(case, telco, staff=False) is None
    view_store(case_id=case.pk)

    assert stored(case, telco, staff=False) == live(case, staff=False)
    assert stored(case, telco, staff=False)["quote"]["status"] == "pending"


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL prepares")
def test_on_postgresql_the_look_up_is_prepared_once_per_connection(telco, key_client):
    case = _case(telco, "open")
    public_case_refresh(case_id=case.pk)
    _key, secret = api_key(telco)
    api = key_client(secret)

    for _i in range(7):
        assert api.get(reverse("api-case-detail", args=[case.number])).status_code == 200

    with connection.cursor() as cursor:
        cursor.execute("SELECT generic_plans + custom_plans FROM pg_prepared_statements "
                       "WHERE statement LIKE %s", ['%"hotline_case"."number" = $%'])
        assert [row[0] for row in cursor.fetchall()] == [7]
