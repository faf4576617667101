"""Plots (matplotlib, Agg backend): what is drawn matches the events and findings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import matplotlib
import pytest
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle
from tests.helpers.lines import SAMPLES

from ome_events import Level, read_events
from ome_events.analyze import analyze
from ome_events.jupyter import event_counts, findings_overview, timeline, to_dataframe

matplotlib.use("Agg")
import matplotlib.pyplot as plt

UTC_DIR = SAMPLES / "server-utc"
KST_DIR = SAMPLES / "server-kst"


@pytest.fixture(autouse=True)
def close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def bars(ax: Axes) -> list[Rectangle]:
    return [patch for patch in ax.patches if isinstance(patch, Rectangle)]


class TestTimeline:
    def test_one_bar_per_session(self) -> None:
        """flaky's 8 reconnects are 8 bars on one row; ghost's one session is one bar."""
        ax = timeline(UTC_DIR, streams=["flaky", "ghost"])
        assert isinstance(ax, Axes)
        assert [label.get_text() for label in ax.get_yticklabels()] == [
            "#default#app/flaky",
            "#default#app/ghost",
        ]
        rows = [round(bar.get_y() + bar.get_height() / 2) for bar in bars(ax)]
        assert rows.count(0) == 8
        assert rows.count(1) == 1

    def test_warnings_are_marked(self) -> None:
        """cam1's 5 B-frame warnings and its duplicate-name error are marks on its row."""
        ax = timeline(UTC_DIR, streams=["#default#app/cam1"])
        marks = [line for line in ax.get_lines() if line.get_marker() == "v"]
        expected = [
            e for e in read_events(UTC_DIR)
            if e.source.stream == "cam1" and e.level >= Level.WARNING
        ]  # fmt: skip
        assert len(marks) == len(expected) == 6

    def test_open_session_is_hatched(self) -> None:
        """forever, never deleted, is drawn to the last event and hatched."""
        ax = timeline(UTC_DIR, streams=["forever"])
        (bar,) = bars(ax)
        assert bar.get_hatch() == "//"

    def test_several_servers_label_rows_by_server(self) -> None:
        """With two servers each row says which server it is on."""
        ax = timeline([UTC_DIR, KST_DIR], streams=["studio"])
        labels = {label.get_text() for label in ax.get_yticklabels()}
        assert labels == {"server-utc: #default#app/studio", "server-kst: #default#app/studio"}

    def test_draws_on_given_axes(self) -> None:
        """An ax passed in is the one drawn on and returned."""
        _, ax = plt.subplots()
        assert timeline(KST_DIR, ax=ax) is ax


class TestEventCounts:
    @pytest.mark.parametrize("by", ["category", "level", "server"])
    def test_bars_add_up_to_the_events(self, by: Literal["category", "level", "server"]) -> None:
        """The stacked bars add up to the number of events, whatever they are stacked by."""
        frame = to_dataframe([UTC_DIR, KST_DIR])
        ax = event_counts(frame, freq="6h", by=by)
        assert sum(bar.get_height() for bar in bars(ax)) == len(frame) == 1108
        legend = ax.get_legend()
        assert legend is not None
        assert {text.get_text() for text in legend.get_texts()} == {
            str(value) for value in frame[by].unique()
        }

    def test_takes_a_path(self) -> None:
        """A path works as well as a DataFrame."""
        ax = event_counts(KST_DIR, freq="1D")
        assert sum(bar.get_height() for bar in bars(ax)) == 346


class TestFindingsOverview:
    def test_one_bar_per_finding(self) -> None:
        """Each finding is one bar, coloured by severity, worst first."""
        report = analyze(read_events(UTC_DIR))
        ax = findings_overview(report)
        drawn = bars(ax)
        assert len(drawn) == len(report.findings) == 18
        first_label = ax.get_yticklabels()[0].get_text()
        assert first_label.split(" · ")[0] in {
            f.kind for f in report.findings if f.severity.value == "error"
        }
