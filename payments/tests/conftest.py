import pytest

from payments.tests.fake_stripe import FakeStripe


@pytest.fixture
def fake_stripe():
    server = FakeStripe().start()
    yield server
    server.stop()


@pytest.fixture
def payments_settings(settings, fake_stripe):
    """The sandbox and the Stripe-shaped adapter (pointed at the fake server)."""
    settings.PAYMENTS_PROVIDERS = ["payments.sandbox.SandboxPayments", "payments.stripe.StripePayments"]
    settings.PAYMENTS_DEFAULT_PROVIDER = "sandbox"
    settings.PAYMENTS_PROVIDER_OPTIONS = {
        "sandbox": {"webhook_secret": "sandbox-secret"},
        "stripe": {"api_key": fake_stripe.api_key, "webhook_secret": fake_stripe.webhook_secret,
                   "base_url": fake_stripe.url, "timeout": 2, "retries": 2},
    }
    settings.SITE_URL = "http://testserver"
    return settings


#: Records what subscribers were told, in order.
TOLD: list[tuple[str, str]] = []


def record(payment, kind):
    TOLD.append((payment.reference, kind))


@pytest.fixture
def subscriber(monkeypatch):
    from payments import services

    TOLD.clear()
    monkeypatch.setattr(services, "subscribers", lambda: ["payments.tests.conftest.record"])
    return TOLD
