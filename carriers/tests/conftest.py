import pytest

from carriers.tests.fake_mydhl import FakeMyDhl


@pytest.fixture
def fake_mydhl():
    server = FakeMyDhl().start()
    yield server
    server.stop()


@pytest.fixture
def sleeps():
    """Record the client's back-off waits instead of sleeping through them."""
    return []


@pytest.fixture
def carriers_settings(settings, fake_mydhl, sleeps):
    """Register the sandbox and MyDHL (pointed at the fake server) as the carriers."""
    settings.HOTLINE_CARRIERS = ["carriers.sandbox.SandboxCarrier", "carriers.mydhl.MyDhlCarrier"]
    settings.HOTLINE_CARRIER_OPTIONS = {
        "sandbox": {"webhook_secret": "sandbox-secret", "seed": "tests", "mix": ""},
        "mydhl": {"base_url": fake_mydhl.url, "api_key": "key", "api_secret": "secret",
                  "account": fake_mydhl.account, "webhook_secret": "dhl-secret",
                  "timeout": 2, "retries": 2, "backoff": 0.01, "sleep": sleeps.append},
    }
    return settings
