"""The French console speaks French: over the loaded demo, each console role logs in with
French, and every page of its menu, every demo case page and the detail pages they link to are
rendered; English left in their visible text fails the test (tests/french_sweep.py says how
a word is judged English; what people typed is marked `translate="no"` and skipped)."""

import io
import re

import pytest
from django.core.management import call_command
from django.utils import translation

from hotline.models import Case
from tests.demo_time import check_the_demo_is_coherent_in_time
from tests.french_sweep import report, sweep

ROLES = ["operator", "supervisor", "qa", "technician", "distributor"]

# Pages whose English is known and owned elsewhere, with why (a pattern -> reason). Keep it
# empty: translate the product's text, and make the demo's typed data what its users would type.
KNOWN: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _english_after():
    """The French walk leaves no French behind for the next tests of this worker."""
    yield
    translation.activate("en")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_demo_is_coherent_in_time_and_every_console_page_is_in_french(
        django_capture_on_commit_callbacks):
    # Two checks over one loaded demo (loading it takes about a minute).
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())
    check_the_demo_is_coherent_in_time()
    numbers = list(Case.objects.values_list("number", flat=True))
    visited: list[str] = []

    problems = sweep(usernames=ROLES, case_numbers=numbers, visited=visited)

    assert {f"/console/cases/{number}/" for number in numbers} <= set(visited)
    assert len(visited) > len(numbers) + 20  # the menus and the linked detail pages too
    # the customer's quote pages the case pages link to (absolute links to SITE_URL)
    assert any(url.startswith("/exchanges/quotes/") for url in visited)
    unknown = {url: problem for url, problem in problems.items()
               if not any(re.search(pattern, url) for pattern in KNOWN)}
    assert not unknown, "English on French console pages:\n" + report(unknown)
