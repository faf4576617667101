"""Lines made wrong in the ways real logs and fuzzers make them: one random mutation of a
JSON line (bytes flipped, cut, nested, numbers and times replaced, controls inserted)."""

from __future__ import annotations

import random
import re

EDGE_TIMES = [
    b"0001-01-01T00:00:00",
    b"9999-12-31T23:59:59.999+00:00",
    b"1900-01-01T00:00:00.000-23:59",
    b"8999-12-31T23:59:59.999+23:59",
    b"2025-13-40T99:99:99",
    b"",
]
EDGE_NUMBERS = [b"1e308", b"-1e308", b"18446744073709551617", b"-0.0", b"1e-400", b"-5", b"0"]
CONTROLS = [b"\\u001b[2J", b"\\u202e", b"\\u0007", b"\xc2\x9b", b"\\ud800", b"\x00"]


def mutate(line: bytes, rng: random.Random) -> bytes:
    """One random mutation of a JSON line."""
    choice = rng.randrange(8)
    if choice == 0 and line:  # flip a byte
        at = rng.randrange(len(line))
        return line[:at] + bytes([rng.randrange(256)]) + line[at + 1 :]
    if choice == 1:  # cut short
        return line[: rng.randrange(len(line) + 1)]
    if choice == 2:  # nest a value deeply
        depth = rng.choice([10, 200, 254, 255, 300, 1000, 1100])
        at = line.find(b'"summary":')
        if at >= 0:
            return line[: at + 10] + b"[" * depth + b"0" + b"]" * depth + b',"x":' + line[at + 10 :]
    if choice == 3:  # a number replaced
        numbers = list(re.finditer(rb"(?<=[:\[,])-?\d+(\.\d+)?", line))
        if numbers:
            match = rng.choice(numbers)
            return line[: match.start()] + rng.choice(EDGE_NUMBERS) + line[match.end() :]
    if choice == 4:  # the time replaced
        edge = b'"time":"' + rng.choice(EDGE_TIMES) + b'"'
        return re.sub(rb'"time":"[^"]*"', edge, line, count=1)
    if choice == 5:  # a control character in a string
        quotes = [m.start() for m in re.finditer(rb'":"', line)]
        if quotes:
            at = rng.choice(quotes) + 3
            return line[:at] + rng.choice(CONTROLS) + line[at:]
    if choice == 6:  # a string value replaced by another JSON type
        other = rng.choice([b"null", b"[]", b"{}", b"1", b"true"])
        return re.sub(
            rb'"(level|category|type|sourceId|summary|cause)":"[^"]*"',
            lambda m: b'"' + m.group(1) + b'":' + other,
            line,
            count=1,
        )
    return line + line[: rng.randrange(len(line) + 1)]  # garbage glued on
