"""The typed model: enums that keep unknown values, source IDs, events."""

from __future__ import annotations

import pickle
from dataclasses import FrozenInstanceError

import orjson
import pytest
from tests.helpers.lines import STREAM_CREATED, STREAM_PREPARED

from ome_events import Category, Cause, Event, EventType, Level, SourceId, SourceKind, parse_line


class TestOpenEnums:
    """Closed sets of names that still accept names OME adds later."""

    def test_known_values_are_members(self) -> None:
        """A documented value gives the member itself."""
        assert Category("StreamEvent") is Category.STREAM
        assert Category.STREAM.known

    def test_unknown_value_is_kept_with_its_string(self) -> None:
        """An undocumented value gives a distinct unknown member carrying the string."""
        value = Category("ClusterEvent")
        assert not value.known
        assert value == "ClusterEvent"
        assert str(value) == "ClusterEvent"
        assert value.name == "UNKNOWN"
        assert value not in list(Category)

    def test_unknown_values_compare_by_string(self) -> None:
        """Two unknown values with the same string are equal and hash alike."""
        assert EventType("NodeJoined") == EventType("NodeJoined")
        assert len({Cause("X"), Cause("X")}) == 1

    def test_every_documented_type_and_cause(self) -> None:
        """The enums hold the specification's types (29), the Analytics log's own (10) and
        the plain server log's (9), and the causes."""
        assert len(EventType) == 29 + 10 + 9
        assert {c.value for c in Cause} == {
            "DuplicatedStreamName",
            "BFrameDetected",
            "AbnormalIncreasedTimestamp",
            "AbnormalFpsDetected",
            "LongKeyFrameIntervalDetected",
            "FailedToPopPacket",
        }

    def test_type_knows_its_category(self) -> None:
        """Each documented type maps to the category the specification files it under."""
        assert EventType.RECORDING_STARTED.category is Category.STREAM
        assert EventType.REST_API_RESPONDED.category is Category.REST_API
        assert EventType.SERVER_STARTED.category is Category.SERVER
        assert EventType("NodeJoined").category is None

    def test_pickles(self) -> None:
        """Known and unknown members survive pickling."""
        for value in (Level.ERROR, Category("ClusterEvent")):
            assert pickle.loads(pickle.dumps(value)) == value


class TestLevel:
    """Levels are ordered by severity."""

    def test_order(self) -> None:
        """Trace < Debug < Info < Warning < Error, so a minimum level is a comparison."""
        assert Level.TRACE < Level.DEBUG < Level.INFO < Level.WARNING < Level.ERROR
        assert Level.WARNING >= Level.INFO
        assert not Level.INFO >= Level.WARNING

    def test_compares_with_strings(self) -> None:
        """A level compares with a level name."""
        assert Level.ERROR > "Warning"
        assert Level.INFO == "Info"

    def test_unknown_levels_rank_by_name(self) -> None:
        """Critical ranks above Error, an unknown word as Info."""
        assert Level("Critical") > Level.ERROR
        assert Level("Notice") >= Level.INFO
        assert Level("Whatever") < Level.WARNING

    def test_lookup_is_forgiving(self) -> None:
        """Users type warn, WARNING or warning."""
        assert Level.lookup("warn") is Level.WARNING
        assert Level.lookup("ERROR") is Level.ERROR


class TestCategoryLookup:
    """Categories by the short names the command line uses."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("stream", Category.STREAM),
            ("StreamEvent", Category.STREAM),
            ("server", Category.SERVER),
            ("host", Category.HOST),
            ("vhost", Category.HOST),
            ("app", Category.APP),
            ("rest", Category.REST_API),
            ("RestApi", Category.REST_API),
            ("access", Category.ACCESS_CONTROL),
            ("access-control", Category.ACCESS_CONTROL),
        ],
    )
    def test_lookup(self, text: str, expected: Category) -> None:
        """Full and short names, any case."""
        assert Category.lookup(text) is expected

    def test_short_names(self) -> None:
        """Each category has a short name."""
        assert [c.short for c in Category] == [
            *("server", "host", "app", "stream", "rest", "access"),
            *("session", "notification", "stats"),  # the Analytics log's own
            "log",  # the plain server log's untyped records
        ]


class TestSourceId:
    """Every form of sourceId in the specification, and odd ones kept."""

    def test_stream(self) -> None:
        """#vhost#app/stream."""
        source = SourceId.parse("#default#app/cam1")
        assert (source.kind, source.vhost, source.app, source.stream) == (
            SourceKind.STREAM,
            "default",
            "app",
            "cam1",
        )

    def test_app(self) -> None:
        """#vhost#app."""
        source = SourceId.parse("#default#app")
        assert (source.kind, source.vhost, source.app, source.stream) == (
            SourceKind.APP,
            "default",
            "app",
            None,
        )

    def test_server_by_shape(self) -> None:
        """A UUID-shaped ID is a server, even masked with x's as in the docs."""
        source = SourceId.parse("6add8be3-181f-4c4b-bc4e-xxxxxxxxxxxx")
        assert source.kind is SourceKind.SERVER
        assert source.server_id == "6add8be3-181f-4c4b-bc4e-xxxxxxxxxxxx"

    def test_server_by_category(self) -> None:
        """Any plain ID of a ServerEvent is a server."""
        assert SourceId.parse("ome-edge-1", "ServerEvent").kind is SourceKind.SERVER

    def test_host(self) -> None:
        """A plain name is a virtual host."""
        source = SourceId.parse("default", "HostEvent")
        assert (source.kind, source.vhost) == (SourceKind.HOST, "default")
        assert SourceId.parse("default").kind is SourceKind.HOST

    @pytest.mark.parametrize("raw", ["", "#default", "##app", "#default#app/", "a b", "x/y"])
    def test_odd_forms_are_kept(self, raw: str) -> None:
        """Forms outside the specification give kind unknown and keep the raw string."""
        source = SourceId.parse(raw)
        assert source.kind is SourceKind.UNKNOWN
        assert str(source) == raw

    def test_stream_names_keep_further_slashes(self) -> None:
        """Everything after the first slash is the stream name."""
        assert SourceId.parse("#v#a/s/t").stream == "s/t"


class TestEvent:
    """The Event value."""

    def test_is_frozen_and_slotted(self) -> None:
        """Events cannot be changed and have no __dict__."""
        event = parse_line(STREAM_CREATED)
        with pytest.raises(FrozenInstanceError):
            event.summary = "x"  # type: ignore[misc]
        assert not hasattr(event, "__dict__")

    def test_equal_events_hash_alike(self) -> None:
        """Events parsed from the same line are equal, whatever their origin."""
        a = parse_line(STREAM_CREATED, file="a.log", line_number=1)
        b = parse_line(STREAM_CREATED, file="b.log", line_number=7)
        assert a == b
        assert hash(a) == hash(b)
        assert a != parse_line(STREAM_PREPARED)

    def test_raw_writes_back(self) -> None:
        """to_json gives the original line back for OME's compact output."""
        assert parse_line(STREAM_PREPARED).to_json() == STREAM_PREPARED
        assert orjson.loads(parse_line(STREAM_CREATED).to_json()) == orjson.loads(STREAM_CREATED)

    def test_time_keeps_the_offset(self) -> None:
        """A local-time log keeps its offset."""
        event = parse_line(STREAM_CREATED.replace(b"+00:00", b"+09:00", 1))
        assert event.time.utcoffset() is not None
        assert event.time.isoformat() == "2025-03-26T05:21:46.315000+09:00"

    def test_pickle_round_trip(self) -> None:
        """Events cross process boundaries (multiprocessing, Spark)."""
        event = parse_line(STREAM_PREPARED, file="events.log", line_number=3, offset=99)
        again = pickle.loads(pickle.dumps(event))
        assert again == event
        assert again.origin == event.origin
        assert again.snapshot == event.snapshot

    def test_can_be_built_directly(self) -> None:
        """The dataclass constructor works for hand-made events (tests, synthetic input)."""
        event = parse_line(STREAM_CREATED)
        copy = Event(
            event.time,
            event.level,
            event.category,
            event.type,
            event.cause,
            event.source,
            event.summary,
            event.raw,
        )
        assert copy == event
        assert copy.origin is None
        assert copy.fields["Id"] == "103"

    def test_message_and_fields(self) -> None:
        """The summary splits into its sentence and its fields."""
        event = parse_line(STREAM_CREATED)
        assert event.message == "Stream created"
        assert dict(event.fields) == {
            "Id": "103",
            "StreamType": "Rtmp",
            "SourceUrl": "TCP://172.17.0.1:44004",
        }
