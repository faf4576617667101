"""A fuzz run over real lines: sample lines mutated (bytes flipped, cut, nested, numbers and
times replaced, controls inserted) and fed to the decoder, the renderers, the exporters and the
analyzers. Each mutated line stands between two sentinels that must always come out.

Bounded by a count, not a clock: ``OME_FUZZ_LINES`` (default 20,000) mutated lines, from a
fixed seed (``OME_FUZZ_SEED``) so that a failure can be replayed.
"""

from __future__ import annotations

import io
import os
import random
from pathlib import Path

import pytest
from tests.helpers.lines import SAMPLES, event_line
from tests.helpers.mutations import mutate

import ome_events
from ome_events.analyze import Analysis
from ome_events.cli.render import line_parts, plain_line, snapshot_json
from ome_events.export import IpRedactor, write_csv, write_jsonl
from ome_events.export.rows import event_tuples
from ome_events.filters import EventFilter
from ome_events.model import Level

pytestmark = pytest.mark.slow


def sample_lines() -> list[bytes]:
    lines = []
    for folder in ("server-utc", "server-kst"):
        for event in ome_events.read_events(SAMPLES / folder):
            lines.append(event.to_json())
    return lines


def drive(path: Path) -> list[str]:
    """Everything downstream of the decoder over the file; the summaries read."""
    reader = ome_events.read_events(path, errors="skip")
    events = list(reader)
    analysis = Analysis()
    wanted = EventFilter(min_level=Level.WARNING, grep="x")
    redactor = IpRedactor(key=b"fuzz")
    for event in events:
        plain_line(event, None)
        line_parts(event, None)
        snapshot_json(event)
        wanted(event)
        _ = event.snapshot, event.fields, event.message
        analysis.feed(event)
    analysis.pending()
    analysis.finish()
    write_csv(events, io.StringIO(), redactor=redactor)
    write_jsonl(events, io.BytesIO(), redactor=redactor)
    write_jsonl(events, io.BytesIO())
    list(event_tuples(events, redactor=redactor))
    decoder = ome_events.LineDecoder(errors="skip")
    data = path.read_bytes()
    for start in range(0, len(data), 777):
        decoder.feed(data[start : start + 777])
    decoder.close()
    return [event.summary for event in events]


def test_mutated_sample_lines(tmp_path: Path) -> None:
    """Every mutated line is an event or a reported bad line; the sentinels always come out."""
    rng = random.Random(int(os.environ.get("OME_FUZZ_SEED", "20250326")))
    originals = sample_lines()
    total = int(os.environ.get("OME_FUZZ_LINES", "20000"))
    batch = 100
    for first in range(0, total, batch):
        path = tmp_path / f"batch{first}.log"
        with open(path, "wb") as out:
            for number in range(first, min(first + batch, total)):
                out.write(event_line("2025-03-26T00:00:00.000+00:00", summary=f"sentinel {number}"))
                out.write(mutate(rng.choice(originals), rng).replace(b"\n", b" ") + b"\n")
            out.write(event_line("2025-03-26T00:00:00.000+00:00", summary="sentinel end"))
        summaries = set(drive(path))
        expected = {f"sentinel {n}" for n in range(first, min(first + batch, total))}
        assert expected | {"sentinel end"} <= summaries
