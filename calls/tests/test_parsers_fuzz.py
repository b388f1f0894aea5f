"""Property tests (Hypothesis) of the telephony parsers: a queue_log line parses or raises
MalformedLine with a reason; a CTI body validates or is refused field by field."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calls.api import CtiEventInputSerializer
from calls.queue_log import MalformedLine, parse_line

FUZZ = settings(max_examples=300, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
FIELD = st.text(alphabet=st.characters(blacklist_characters="|\n\r"), max_size=12)
TIMES = st.sampled_from(["1700000000", "1700000000.25", "-1", "1e20", "nan", "inf",
                         "2026-11-24 10:00:00", "0001-01-01 00:00:00", "9999-12-31 23:59:59",
                         "", "abc"]) | FIELD
EVENTS = st.sampled_from(["ENTERQUEUE", "CONNECT", "COMPLETECALLER", "COMPLETEAGENT",
                          "ABANDON", "RINGNOANSWER", "TRANSFER", "ADDMEMBER", "PAUSE", ""]) | FIELD


@FUZZ
@given(st.lists(st.one_of(TIMES, FIELD, EVENTS), max_size=9).map("|".join) | st.text(max_size=80))
def test_a_queue_log_line_parses_or_is_refused_with_a_reason(text):
    try:
        line = parse_line(text)
    except MalformedLine as exc:
        assert str(exc)
        return

    if line is not None:
        assert line.event and line.at.tzinfo is not None
        assert 2000 <= line.at.year <= 2100


@FUZZ
@given(TIMES, FIELD, FIELD, FIELD, EVENTS, st.lists(FIELD, max_size=3))
def test_a_well_shaped_queue_log_line_parses_or_is_refused(at, callid, queue, agent, event, data):
    text = "|".join([at, callid, queue, agent, event, *data])

    try:
        parse_line(text)
    except MalformedLine:
        pass


JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                       lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c,
                                                                           max_size=3),
                       max_leaves=10)
CTI_BODY = st.fixed_dictionaries({}, optional={
    "event": st.sampled_from(["queued", "answered", "ended", "abandoned", "login", "bogus"])
    | JSONISH,
    "at": st.sampled_from(["2026-11-24T10:00:00Z", "garbage", "9999-12-31T23:59:59Z",
                           "0001-01-01T00:00:00"]) | JSONISH,
    "call_id": st.text(max_size=100) | JSONISH,
    "queue": st.text(max_size=100) | JSONISH,
    "caller": st.text(max_size=30) | JSONISH,
    "agent": st.text(max_size=50) | JSONISH,
    "reason": st.sampled_from(["abandon", "timeout", "x"]) | JSONISH,
    "event_id": st.text(max_size=130) | JSONISH,
})


@FUZZ
@given(CTI_BODY)
def test_a_cti_body_validates_or_is_refused_field_by_field(body):
    serializer = CtiEventInputSerializer(data=body)

    if serializer.is_valid():
        data = serializer.validated_data
        assert "\x00" not in "".join(str(value) for value in data.values())
        assert 2000 <= data["at"].year <= 2100
    else:
        assert serializer.errors
