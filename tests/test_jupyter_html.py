"""Notebook views: HTML tables that escape every piece of log text, and a text fallback.

The HTML is parsed back with ``html.parser``: only the renderer's own tags and attributes may
appear, whatever the log says, and the log's text must come back as text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from tests.helpers.lines import SAMPLES, event_line

from ome_events import Event, read_events
from ome_events.analyze import Finding, Report, Severity, Subject, SubjectKind, analyze
from ome_events.analyze.html import finding_html
from ome_events.jupyter import EventTable, FindingsTable, ReportView, report_html, table, view
from ome_events.tables import MAX_CELL, shorten

HOSTILE_SUMMARY = (
    "Stream created. Id: 1, SourceUrl: <script>alert(\"x\")</script> & 'quoted' "
    '<b onmouseover="steal()">bold</b> <img src=x onerror=alert(1)>'
)
HOSTILE_STREAM = "#default#app/<iframe src='//evil'>"
ALLOWED_TAGS = {
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "span",
    "div",
    "p",
    "b",
    "h4",
}
ALLOWED_ATTRIBUTES = {"class", "style", "title"}


class Structure(HTMLParser):
    """Tags, attributes and text of a piece of HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def structure(markup: str) -> Structure:
    parser = Structure()
    parser.feed(markup)
    parser.close()
    return parser


def assert_only_own_markup(markup: str) -> Structure:
    parsed = structure(markup)
    assert set(parsed.tags) <= ALLOWED_TAGS, set(parsed.tags) - ALLOWED_TAGS
    assert {name for name, _ in parsed.attributes} <= ALLOWED_ATTRIBUTES
    for name, value in parsed.attributes:
        if name == "style":
            assert value is not None and "<" not in value and "(" not in value
    return parsed


@pytest.fixture
def hostile(write_log: Callable[..., Path]) -> list[Event]:
    path = write_log(
        "events.log",
        [
            event_line(summary=HOSTILE_SUMMARY),
            event_line(
                "2025-03-26T05:21:47.000+00:00",
                level="Error",
                type="StreamCreationFailed",
                source=HOSTILE_STREAM,
                summary="Stream creation failed. Name: <iframe src='//evil'> & co",
                cause="DuplicatedStreamName",
            ),
            event_line(
                "2025-03-26T05:21:48.000+00:00",
                level="Warning",
                type="AbnormalStreamDetected",
                summary="x" * 500,
                cause="BFrameDetected",
            ),
        ],
    )
    return list(read_events(path))


class TestEscaping:
    def test_event_table_escapes_summaries_and_sources(self, hostile: list[Event]) -> None:
        """Markup, ampersands and quotes in summaries and sources come out as text."""
        markup = table(hostile)._repr_html_()
        assert "<script" not in markup and "<img" not in markup and "<iframe" not in markup
        assert "&lt;script&gt;" in markup
        assert "&amp;" in markup
        parsed = assert_only_own_markup(markup)
        text = "".join(parsed.text)
        assert len(HOSTILE_SUMMARY) > MAX_CELL  # shown shortened, in full in the tooltip
        assert shorten(HOSTILE_SUMMARY) in text
        assert ("title", HOSTILE_SUMMARY) in parsed.attributes
        assert HOSTILE_STREAM in text

    def test_tooltips_escape_quotes(self, write_log: Callable[..., Path]) -> None:
        """A shortened cell's tooltip holds the full text with its quotes escaped."""
        summary = 'a "quoted" <tag> ' * 20
        events = list(read_events(write_log("events.log", [event_line(summary=summary)])))
        markup = table(events)._repr_html_()
        assert "&quot;quoted&quot;" in markup
        parsed = assert_only_own_markup(markup)
        assert ("title", summary) in parsed.attributes

    def test_report_escapes_findings(self, hostile: list[Event]) -> None:
        """A report on a hostile log escapes the subject, message and hint of each finding."""
        report = analyze(hostile)
        assert any(f.subject.id == HOSTILE_STREAM for f in report.findings)
        markup = report_html(report)
        assert "<iframe" not in markup
        parsed = assert_only_own_markup(markup)
        assert HOSTILE_STREAM in "".join(parsed.text)

    def test_hand_made_finding_is_escaped(self) -> None:
        """Every text field of a finding is escaped, in a report and on its own."""
        time = datetime(2025, 3, 26, 10, tzinfo=UTC)
        finding = Finding(
            Severity.ERROR,
            "kind<script>",
            Subject(SubjectKind.STREAM, "#v#a/<b>s</b>", "v", "a", "<b>s</b>"),
            time,
            time,
            3,
            message='message "with" <script>alert(1)</script> & more',
            hint="hint <img src=x onerror=alert(1)>",
        )
        report = Report(findings=(finding,), events=3, first_event=time, last_event=time)
        for markup in (
            report_html(report),
            finding_html(finding),
            ReportView(report)._repr_html_(),
        ):
            assert "<script" not in markup and "<img" not in markup
            parsed = assert_only_own_markup(markup)
            text = "".join(parsed.text)
            assert 'message "with" <script>alert(1)</script> & more' in text
            assert "hint <img src=x onerror=alert(1)>" in text


class TestPresentation:
    def test_levels_are_coloured(self, hostile: list[Event]) -> None:
        """Warning and Error cells carry their level's class and colours; Info stays plain."""
        parsed = structure(table(hostile)._repr_html_())
        classes = {value for name, value in parsed.attributes if name == "class"}
        assert {"ome-level ome-error", "ome-level ome-warning", "ome-level ome-info"} <= classes
        styles = [value or "" for name, value in parsed.attributes if name == "style"]
        assert any("#b71c1c" in style for style in styles)  # error text colour

    def test_long_values_are_shortened(self, hostile: list[Event]) -> None:
        """A 500-character summary shows as MAX_CELL characters ending in an ellipsis."""
        parsed = structure(table(hostile)._repr_html_())
        cells = [text for text in parsed.text if text.startswith("xxx")]
        assert cells == ["x" * (MAX_CELL - 1) + "…"]
        assert ("title", "x" * 500) in parsed.attributes

    def test_limit_counts_the_rest(self) -> None:
        """Only `limit` events are kept; the caption and the text say how many more."""
        shown = table(read_events(SAMPLES / "server-kst"), limit=5)
        assert len(shown.events) == 5
        assert len(shown) == 346
        assert "341 more" in shown._repr_html_()
        assert str(shown).endswith("... 341 more events")

    def test_text_fallback(self, write_log: Callable[..., Path]) -> None:
        """str() is a plain-text table; control characters are shown, never sent raw."""
        line = event_line(summary="cam1\x1b[2J\u202e done")
        events = list(read_events(write_log("events.log", [line])))
        text = str(EventTable(events))
        assert text.splitlines()[0].split() == [
            "time",
            "level",
            "type",
            "cause",
            "source",
            "summary",
        ]
        assert "cam1\\x1b[2J\\u202e done" in text
        assert "\x1b" not in text and "\u202e" not in text
        assert repr(EventTable(events)).startswith("<EventTable: 1 events>")

    def test_report_text(self) -> None:
        """A report view prints its summary, findings (worst first) and streams as text."""
        report = analyze(read_events(SAMPLES / "server-utc"))
        text = str(view(report))
        assert text.startswith(f"Report: {report.events} events")
        lines = text.splitlines()
        severities = [
            line.split()[0]
            for line in lines
            if line.split()[:1] in (["error"], ["warning"], ["info"])
        ]
        assert severities == sorted(severities, key=["error", "warning", "info"].index)
        assert "#default#app/flaky" in text and "reconnect_loop" in text

    def test_view_dispatch(self, hostile: list[Event]) -> None:
        """view() picks the right view for a report, findings and events."""
        report = analyze(hostile)
        assert isinstance(view(report), ReportView)
        assert isinstance(view(list(report.findings)), FindingsTable)
        assert isinstance(view(report.findings[0]), FindingsTable)
        assert isinstance(view(hostile), EventTable)
        assert isinstance(view(iter(hostile)), EventTable)
        assert FindingsTable([])._repr_html_() == "<p>No findings.</p>"

    def test_report_and_finding_render_themselves(self, hostile: list[Event]) -> None:
        """A Report or Finding left as a cell's value shows as the same escaped HTML."""
        report = analyze(hostile)
        assert report._repr_html_() == report_html(report)
        finding = report.findings[0]
        assert finding._repr_html_() == finding_html(finding)
        assert_only_own_markup(report._repr_html_())


class TestViewTakesAnything:
    """view() of a path, a list of paths, a DataFrame (whole or a slice): a table that
    displays, with hostile text escaped."""

    def test_a_path_and_a_list_of_paths(self) -> None:
        from tests.helpers.lines import SAMPLES

        from ome_events.jupyter import view

        one = view(str(SAMPLES / "server-utc"))
        both = view([SAMPLES / "server-utc", SAMPLES / "server-kst"])
        assert one.total == 762 and both.total == 762 + 346
        assert "<table" in one._repr_html_()

    def test_a_dataframe_and_its_head(self, tmp_path: Path) -> None:
        from ome_events.jupyter import to_dataframe, view

        log = tmp_path / "events.log"
        log.write_bytes(
            event_line(summary="<script>alert(1)</script>", level="Warning")
            + event_line(summary="second")
        )
        frame = to_dataframe(log)
        shown = view(frame.head(1))._repr_html_()
        assert "&lt;script&gt;" in shown and "<script>" not in shown
        assert "1 row" in shown
        whole = view(frame)
        assert whole.total == 2 and "second" in str(whole)
