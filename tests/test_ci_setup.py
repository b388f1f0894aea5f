"""The test set-up itself (conftest.py): what makes the suites quicker must not change them."""

import pytest

from conftest import pytest_collection_modifyitems


class _Item:
    def __init__(self, name, *marks, fixtures=()):
        self.name, self.marks, self.fixturenames = name, marks, list(fixtures)

    def get_closest_marker(self, name):
        return next((mark for mark in self.marks if mark.name == name), None)


SLOW = pytest.mark.slow.mark
TRANSACTIONAL = pytest.mark.django_db(transaction=True).mark


def test_the_slow_tests_come_first_and_the_others_keep_their_order():
    items = [_Item("a", fixtures=["db"]), _Item("b", SLOW, fixtures=["db"]), _Item("c"),
             _Item("d", SLOW), _Item("e", fixtures=["db"])]

    pytest_collection_modifyitems(config=None, items=items)

    assert [item.name for item in items] == ["b", "a", "e", "d", "c"]


def test_a_slow_transactional_test_still_runs_after_every_test_rolled_back():
    items = [_Item("rolled-back", fixtures=["db"]), _Item("other-transactional", TRANSACTIONAL),
             _Item("slow-transactional", SLOW, TRANSACTIONAL), _Item("no-db"),
             _Item("live", fixtures=["live_server"])]

    pytest_collection_modifyitems(config=None, items=items)

    assert [item.name for item in items] == [
        "rolled-back", "slow-transactional", "other-transactional", "live", "no-db"]


def test_every_test_that_loads_the_whole_demo_is_marked_slow(request):
    from pathlib import Path

    root = Path(request.config.rootpath)
    loaders = {path.relative_to(root).as_posix()
               for pattern in ("*/tests/test_*.py", "tests/test_*.py")
               for path in root.glob(pattern)
               if path.name != "test_ci_setup.py" and 'call_command("load_demo"' in path.read_text()}

    assert "tests/test_french_console.py" in loaders
    for path in loaders:
        assert "@pytest.mark.slow" in (root / path).read_text(), path
