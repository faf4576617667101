"""Every finding's message is a complete sentence, whatever the events lacked: a hypothesis
property drives every detector with the samples' events (Enterprise, open-source Analytics and
a busy day) whose summaries, snapshot fields and numbers were removed or made odd, and checks
every message and hint for holes."""

from __future__ import annotations

import random
import re
import sys
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.helpers.lines import SAMPLES

import ome_events
from ome_events.analyze import analyze

sys.path.insert(0, str(SAMPLES))
from generator import busy_day_lines

#: What a sentence must never hold: values that were missing, formatting left over.
HOLES = [
    (re.compile(r"\bNone\b"), "None"),
    (re.compile(r"\b(nan|NaN)\b"), "nan"),
    (re.compile(r"\(\s*\)"), "empty brackets"),
    (re.compile(r"\s,|,,|,\s*$|,\s*[.:;)]"), "a comma around nothing"),
    (re.compile(r"\S {2,}\S"), "a double space"),
    (re.compile(r"[{}]"), "a format brace"),
    (re.compile(r"\bevery too\b|\bon \.|\bof \.|:\s*$|\bagainst\s+configured"), "a gap"),
    (re.compile(r"\s$|^\s"), "space at an end"),
]


def _lines() -> list[bytes]:
    lines: list[bytes] = []
    for name in ("server-utc", "server-kst", "server-oss"):
        for path in sorted((SAMPLES / name).glob("events.log*")):
            data = path.read_bytes()
            if path.name.endswith(".gz"):
                import gzip

                data = gzip.decompress(data)
            lines += data.splitlines()
    lines += list(busy_day_lines(3000, seed=7))
    return [line for line in lines if line.strip()]


LINES = _lines()
ODD = [0, -1, None, "", "x", 1e300, -0.0, 2**70, [], {}]


def _mutate_value(value: Any, rng: random.Random, depth: int = 0) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            roll = rng.random()
            if roll < 0.15:
                continue  # the field is missing
            out[key] = _mutate_value(item, rng, depth + 1)
        return out
    if isinstance(value, list):
        return [_mutate_value(item, rng, depth + 1) for item in value if rng.random() > 0.1]
    if isinstance(value, int | float) and not isinstance(value, bool) and rng.random() < 0.2:
        return rng.choice(ODD)
    return value


def _mutate_summary(summary: str, rng: random.Random) -> str:
    parts = summary.split(", ")
    roll = rng.random()
    if roll < 0.2 and len(parts) > 1:
        parts.pop(rng.randrange(1, len(parts)))  # a field left out
    elif roll < 0.3:
        return summary.split(".")[0] + "."  # only the first words
    elif roll < 0.35:
        return ""
    return ", ".join(parts)


def mutate(line: bytes, rng: random.Random) -> bytes:
    obj = orjson.loads(line)
    if "summary" in obj and isinstance(obj["summary"], str):
        obj["summary"] = _mutate_summary(obj["summary"], rng)
    for key in ("snapshot", "data"):
        if key in obj and rng.random() < 0.5:
            obj[key] = _mutate_value(obj[key], rng)
    if "cause" in obj and rng.random() < 0.1:
        del obj["cause"]
    try:
        return orjson.dumps(obj)
    except orjson.JSONEncodeError:  # integers beyond 64 bits: the standard library writes them
        import json

        return json.dumps(obj, separators=(",", ":")).encode()


def holes(text: str) -> list[str]:
    return [name for pattern, name in HOLES if pattern.search(text)]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32))
def test_every_message_is_complete(seed: int) -> None:
    rng = random.Random(seed)
    data = b"\n".join(mutate(line, rng) for line in LINES) + b"\n"
    import io

    reader = ome_events.read_stream(io.BytesIO(data), errors="skip")
    report = analyze(reader)
    assert report.findings
    for finding in report.findings:
        for text in (finding.message, finding.hint):
            assert not holes(text), (finding.kind, text, holes(text))


def test_the_hole_finder_finds_holes() -> None:
    assert holes("key frames only every too long, above 4 s on the video") == ["a gap"]
    assert holes("bitrate None against 5 Mbps") == ["None"]
    assert holes("impossible counters in 3 snapshots (): ignored") == ["empty brackets"]
    assert not holes("key frames only every 10.0 s, above 4 s on track 0 (H264): players wait")
