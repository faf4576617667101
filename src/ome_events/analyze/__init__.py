"""Analyzers: find abnormal streams and other trouble in OME event logs, live or over history.

Quick start::

    import ome_events
    from ome_events.analyze import analyze

    report = analyze(ome_events.read_events("/var/log/ovenmediaengine"))
    for finding in report.findings:
        print(finding)

Every analyzer is pure (no I/O, time from the events only) and incremental: ``feed(event)``
returns the findings that became certain, ``finish()`` the rest. :class:`Analysis` runs them all;
each family can also run alone. The detectors and their thresholds are described in
``docs/analyzers.md``.
"""

from ome_events.analyze.abnormal import AbnormalAnalyzer, AbnormalConfig
from ome_events.analyze.access import AccessAnalyzer, AccessConfig
from ome_events.analyze.base import Analyzer, BaseAnalyzer
from ome_events.analyze.findings import (
    SCHEMA,
    EndpointRow,
    Evidence,
    Finding,
    Report,
    ServerRow,
    Severity,
    StreamRow,
    Subject,
    SubjectKind,
)
from ome_events.analyze.incidents import Incident, IncidentBook, IncidentSpec
from ome_events.analyze.lifecycle import LifecycleAnalyzer, LifecycleConfig, SessionRecord
from ome_events.analyze.media import MediaAnalyzer, MediaConfig
from ome_events.analyze.outputs import OutputsAnalyzer, OutputsConfig
from ome_events.analyze.pipeline import Analysis, AnalyzerConfig, analyze
from ome_events.analyze.reorder import REORDER_WINDOW, ReorderBuffer
from ome_events.analyze.report import StreamTable
from ome_events.analyze.restapi import RestApiAnalyzer, RestApiConfig
from ome_events.analyze.server import ServerAnalyzer, ServerConfig
from ome_events.analyze.serverlog import ServerLogAnalyzer, ServerLogConfig
from ome_events.analyze.stats import StatsAnalyzer, StatsConfig

__all__ = [
    "REORDER_WINDOW",
    "SCHEMA",
    "AbnormalAnalyzer",
    "AbnormalConfig",
    "AccessAnalyzer",
    "AccessConfig",
    "Analysis",
    "Analyzer",
    "AnalyzerConfig",
    "BaseAnalyzer",
    "EndpointRow",
    "Evidence",
    "Finding",
    "Incident",
    "IncidentBook",
    "IncidentSpec",
    "LifecycleAnalyzer",
    "LifecycleConfig",
    "MediaAnalyzer",
    "MediaConfig",
    "OutputsAnalyzer",
    "OutputsConfig",
    "ReorderBuffer",
    "Report",
    "RestApiAnalyzer",
    "RestApiConfig",
    "ServerAnalyzer",
    "ServerConfig",
    "ServerLogAnalyzer",
    "ServerLogConfig",
    "ServerRow",
    "SessionRecord",
    "Severity",
    "StatsAnalyzer",
    "StatsConfig",
    "StreamRow",
    "StreamTable",
    "Subject",
    "SubjectKind",
    "analyze",
]
