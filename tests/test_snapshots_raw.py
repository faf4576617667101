"""Reading raw snapshot values: lax numbers, the bitrate rule and its cheap pre-test, facts."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import media_objects

from ome_events.snapshots.raw import (
    bitrate_issues,
    garbage_counters,
    integer,
    may_have_garbage,
    number,
    stream_facts,
)


class TestNumbers:
    """Lax coercion: numbers and numeric strings, never booleans."""

    def test_number(self) -> None:
        """Strings of digits and JSON numbers are numbers; the rest is unknown."""
        assert number("2500000") == 2500000.0
        assert number(30) == 30.0
        assert number(True) is None
        assert number([1]) is None

    def test_integer(self) -> None:
        """Whole floats and digit strings are integers; fractions are not."""
        assert integer("-795170153") == -795170153
        assert integer(30.0) == 30
        assert integer(2.5) is None
        assert integer(None) is None


class TestBitrateRule:
    """The impossible-bitrate rule, and the pre-test that guards it."""

    @given(media_objects)
    def test_pre_test_never_misses(self, values: dict[str, Any]) -> None:
        """Whatever the counters hold, an object the rule flags passes the pre-test."""
        if bitrate_issues(values):
            assert may_have_garbage(values)

    def test_healthy_strings_skip_the_full_check(self) -> None:
        """OME 0.18's usual counters are decided without parsing."""
        healthy = {"bitrate": "2500000", "bitrateConf": "2500000", "bitrateAvg": "2400000",
                   "bitrateLatest": "2600000"}  # fmt: skip
        assert not may_have_garbage(healthy)
        assert garbage_counters(healthy) == []

    def test_latest_far_above_the_configured_bitrate(self) -> None:
        """Twenty times the configured bitrate is garbage; the message says why."""
        [(key, value, why)] = bitrate_issues(
            {"bitrate": 2_500_000, "bitrateConf": 2_500_000, "bitrateLatest": 2_500_000 * 21}
        )
        assert (key, value) == ("bitrateLatest", 52_500_000)
        assert "20x" in why


class TestStreamFacts:
    """The first video and audio tracks' facts, in one place for every reader."""

    def test_configured_bitrate_falls_back_to_bitrate(self) -> None:
        """bitrateConf is preferred; bitrate stands in when it is missing or 0."""
        facts = stream_facts({"tracks": [{"video": {"bitrateConf": "0", "bitrate": 900000}}]})
        assert facts is not None
        assert facts.video_bitrate == 900000
        assert facts.bitrate_conf == 0

    def test_audio_only(self) -> None:
        """An audio-only stream has audio facts and no video ones."""
        facts = stream_facts({"tracks": [{"audio": {"codec": "OPUS", "bitrate": "128000"}}]})
        assert facts is not None
        assert (facts.video_codec, facts.audio_codec, facts.audio_bitrate) == (None, "OPUS", 128000)
        assert facts.video_tracks == 0

    @given(st.recursive(st.none() | st.integers() | st.text(max_size=4),
                        lambda inner: st.lists(inner, max_size=3)
                        | st.dictionaries(st.sampled_from(["tracks", "video", "audio", "type",
                                                           "codec", "width", "framerate"]),
                                          inner, max_size=3),
                        max_leaves=10))  # fmt: skip
    def test_total(self, snapshot: Any) -> None:
        """Any decoded JSON gives facts or None, never an exception."""
        stream_facts(snapshot)
