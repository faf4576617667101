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

if TYPE_CHECKING:
    from ome_events.jupyter.frames import (
        EVENT_COLUMNS,
        FINDING_COLUMNS,
        findings_dataframe,
        to_dataframe,
    )
    from ome_events.jupyter.html import (
        EventTable,
        FindingsTable,
        ReportView,
        report_html,
        report_text,
        table,
        view,
    )
    from ome_events.jupyter.plots import event_counts, findings_overview, timeline

_LAZY = {
    **dict.fromkeys(
        ("EVENT_COLUMNS", "FINDING_COLUMNS", "findings_dataframe", "to_dataframe"),
        "ome_events.jupyter.frames",
    ),
    **dict.fromkeys(
        (
            "EventTable",
            "FindingsTable",
            "ReportView",
            "report_html",
            "report_text",
            "table",
            "view",
        ),
        "ome_events.jupyter.html",
    ),
    **dict.fromkeys(("event_counts", "findings_overview", "timeline"), "ome_events.jupyter.plots"),
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ome_events.jupyter' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "EVENT_COLUMNS",
    "FINDING_COLUMNS",
    "EventTable",
    "FindingsTable",
    "ReportView",
    "event_counts",
    "findings_dataframe",
    "findings_overview",
    "report_html",
    "report_text",
    "table",
    "timeline",
    "to_dataframe",
    "view",
]
