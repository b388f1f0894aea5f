"""The test set-up itself (conftest.py): what makes the suites quicker must not change them."""

import pytest

from conftest import pytest_collection_modifyitems


class _Item:
    def __init__(self, name, *markers):
        self.name, self.markers = name, markers

    def get_closest_marker(self, name):
        return pytest.mark.slow.mark if name in self.markers else None


def test_the_slow_tests_are_collected_first_and_the_others_keep_their_order():
    items = [_Item("a"), _Item("b", "slow"), _Item("c"), _Item("d", "slow"), _Item("e")]

    pytest_collection_modifyitems(config=None, items=items)

    assert [item.name for item in items] == ["b", "d", "a", "c", "e"]


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
