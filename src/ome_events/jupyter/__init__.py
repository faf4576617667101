"""pandas DataFrames, notebook views and plots for OME event logs (the ``jupyter`` extra).

Install with ``pip install 'ome-events[jupyter]'``. ``import ome_events`` never imports this
package; importing it is cheap too: pandas, pyarrow and matplotlib load on first use of the
names that need them.

Example (in a notebook)::

    from ome_events.jupyter import to_dataframe, table, timeline, view

    df = to_dataframe(["sample_logs/server-utc", "sample_logs/server-kst"])
    timeline(read_events("sample_logs/server-utc"))
    view(analyze(read_events("sample_logs/server-utc")))

See ``docs/jupyter.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ome_events._lazy import lazy_attributes

if TYPE_CHECKING:
    from ome_events.analyze.html import FindingsTable, ReportView, report_html, report_text
    from ome_events.jupyter.frames import (
        EVENT_COLUMNS,
        FINDING_COLUMNS,
        STAT_COLUMNS,
        findings_dataframe,
        server_stats_dataframe,
        to_dataframe,
    )
    from ome_events.jupyter.html import EventTable, table, view
    from ome_events.jupyter.plots import event_counts, findings_overview, timeline

_LAZY = {
    **dict.fromkeys(
        (
            "EVENT_COLUMNS",
            "FINDING_COLUMNS",
            "STAT_COLUMNS",
            "findings_dataframe",
            "server_stats_dataframe",
            "to_dataframe",
        ),
        "ome_events.jupyter.frames",
    ),
    **dict.fromkeys(("EventTable", "table", "view"), "ome_events.jupyter.html"),
    **dict.fromkeys(
        ("FindingsTable", "ReportView", "report_html", "report_text"), "ome_events.analyze.html"
    ),
    **dict.fromkeys(("event_counts", "findings_overview", "timeline"), "ome_events.jupyter.plots"),
}


__getattr__ = lazy_attributes(__name__, _LAZY)

__all__ = [
    "EVENT_COLUMNS",
    "FINDING_COLUMNS",
    "STAT_COLUMNS",
    "EventTable",
    "FindingsTable",
    "ReportView",
    "event_counts",
    "findings_dataframe",
    "findings_overview",
    "report_html",
    "report_text",
    "server_stats_dataframe",
    "table",
    "timeline",
    "to_dataframe",
    "view",
]
