"""The case page asks the service records' guards once for all its buttons."""

from hotline.case_guards import guard_rows, one_listing


def test_a_listing_reads_each_kind_of_rows_once_and_a_transition_reads_afresh():
    loads = []

    def load():
        loads.append(1)
        return ["row"]

    class Case:
        pk = 7

    with one_listing():
        assert guard_rows(Case, "swaps", load) == ["row"]
        with one_listing():  # an inner listing (allowed_transitions inside the page) shares it
            assert guard_rows(Case, "swaps", load) == ["row"]
    assert len(loads) == 1
    guard_rows(Case, "swaps", load)  # outside a listing: what the rows are now
    guard_rows(Case, "swaps", load)
    assert len(loads) == 3
