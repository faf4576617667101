"""Text from a log: JSON read and written, made safe to show: control characters, excerpts.

Everything in a log line came from the network (stream names, URLs, user agents), so every
place that shows it (a terminal, a spreadsheet, an HTML table, an error message) goes
through one of the functions here:

* :func:`escape_controls` writes every control character as a visible escape (``\\x1b``);
* :func:`json_line` and :func:`safe_json` write JSON whose strings cannot act on a terminal;
* :func:`excerpt` gives the start of a bad line for an error message, bounded in size.

:func:`loads` is the one definition of "valid JSON" for a log line (every reader and every
fast path agrees with it) and :func:`dumps` writes back any value it returns.

The set of characters is :data:`CONTROL_CHARACTERS`: C0 (ESC starts CSI and OSC sequences,
BEL, backspace, CR, tab, newline), DEL, C1 (U+009B is CSI on some terminals), the
bidirectional marks, embeddings, overrides and isolates, which reorder what follows them on
screen ("Trojan Source"), the line and paragraph separators, which end a line on some, and
the byte order mark, which some terminals draw as nothing.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

__all__ = [
    "CONTROL_CHARACTERS",
    "EXCERPT_CHARS",
    "MAX_NESTING",
    "dumps",
    "escape_controls",
    "excerpt",
    "json_line",
    "loads",
    "nesting",
    "safe_json",
]

#: How many characters of an offending line an error message shows.
EXCERPT_CHARS = 80

_CONTROL_ESCAPES: dict[int, str] = {code: f"\\x{code:02x}" for code in range(0x20)}
_CONTROL_ESCAPES.update({0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r", 0x7F: "\\x7f"})
_CONTROL_ESCAPES.update({code: f"\\x{code:02x}" for code in range(0x80, 0xA0)})
for _code in (
    0x061C,
    0x200E,
    0x200F,
    0x2028,
    0x2029,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
):
    _CONTROL_ESCAPES[_code] = f"\\u{_code:04x}"
_CONTROL = re.compile(
    "[" + "".join(re.escape(chr(code)) for code in sorted(_CONTROL_ESCAPES)) + "]"
)

#: The code points :func:`escape_controls` replaces.
CONTROL_CHARACTERS: frozenset[int] = frozenset(_CONTROL_ESCAPES)


def has_controls(text: str) -> bool:
    """True when the text holds a character :func:`escape_controls` would replace."""
    if text.isascii():  # then only C0 and DEL can be controls: the unprintable ASCII
        return not text.isprintable()
    return _CONTROL.search(text) is not None


def escape_controls(text: object) -> str:
    r"""The text with every control character written as a visible escape (``\x1b``).

    What a terminal or a spreadsheet would act on becomes inert text, and the text stays on
    one line. Anything else than a string is converted with ``str`` first.

    >>> escape_controls("cam1\x1b]8;;http://evil\x07click\x1b[2J\u202e")
    'cam1\\x1b]8;;http://evil\\x07click\\x1b[2J\\u202e'
    >>> escape_controls("[red]not markup[/red]")
    '[red]not markup[/red]'
    """
    value = text if isinstance(text, str) else str(text)
    if value.isascii() and value.isprintable():  # the common case, in two fast scans
        return value
    if _CONTROL.search(value) is None:
        return value
    return value.translate(_CONTROL_ESCAPES)


# Characters JSON allows raw that a terminal may act on: DEL and the C1 controls (U+009B is
# CSI on some terminals), the bidirectional marks, embeddings, overrides and isolates, the
# and the line/paragraph separators. Matched in UTF-8: lead bytes (0xC2, 0xD8, 0xE2) never
# occur inside another character, so a match is always the whole character.
_RAW_CONTROLS = re.compile(
    rb"\x7f|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]"
)


def _escape_control(match: re.Match[bytes]) -> bytes:
    return b"\\u%04x" % ord(match.group().decode())


def safe_json(data: bytes) -> bytes:
    r"""JSON text with the controls that JSON allows raw written as ``\u`` escapes.

    The same strings for any JSON reader, inert on a terminal. C0 controls never occur raw
    in valid JSON (they must be escaped), so only the others are looked for.

    >>> safe_json('{"a":"x\u202ey"}'.encode())
    b'{"a":"x\\u202ey"}'
    """
    if data.isascii() and data.find(b"\x7f") < 0:  # the common case, in two fast scans
        return data
    if b"\x7f" in data or b"\xc2" in data or b"\xd8" in data or b"\xe2" in data:
        return _RAW_CONTROLS.sub(_escape_control, data)
    return data


def loads(data: bytes | str) -> Any:
    """Decode one JSON text: RFC 8259 JSON in UTF-8, nested at most :data:`MAX_NESTING` deep.

    Numbers too large for a double (``1e999``; jsoncpp, which OME uses, writes an infinite
    value as ``1e+9999``) are valid JSON: they are read as ``inf``/``-inf`` rather than
    refused. ``NaN`` and ``Infinity`` are not JSON
    and are refused. Raises ``ValueError`` (with orjson's reason) for anything else.

    >>> loads(b'{"fps":1e+9999,"bitrate":2500000}')
    {'fps': inf, 'bitrate': 2500000}
    """
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as error:
        if "infinity" not in str(error):
            raise
        original = error
    # Rare: decode again with msgspec, which hands floats to a hook instead of refusing
    # them. Its nesting limit is Python's recursion limit, so the depth is checked here.
    import msgspec

    try:
        if nesting(data) > MAX_NESTING:
            raise original
        return msgspec.json.Decoder(float_hook=float).decode(data)
    except (msgspec.MsgspecError, RecursionError):
        raise original from None


_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def nesting(data: bytes | str) -> int:
    """How deep the arrays and objects of a JSON text are nested (strings skipped).

    >>> nesting(b'{"a":[1,{"b":"[[["}]}')
    3
    """
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    depth = deepest = 0
    for token in _JSON_TOKENS.findall(data):
        if token in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif token in (b"]", b"}"):
            depth -= 1
    return deepest


#: How deep a value may be nested: orjson reads up to this many levels, and every value read
#: from a log can be written back by :func:`dumps`.
MAX_NESTING = 1024


def dumps(value: Any, *, indent: bool = False) -> bytes:
    """``value`` as compact (or indented) JSON, however deeply it is nested.

    orjson writes at most about 250 levels and 64-bit integers; a value read from a log can
    hold up to :data:`MAX_NESTING` levels (and a value built by hand any integer). Those
    are written by the standard library's encoder, with the recursion limit raised for the
    call.
    """
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2 if indent else None)
    except orjson.JSONEncodeError:
        pass
    import json
    import sys

    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, 4 * MAX_NESTING + 200))
    try:
        text = json.dumps(
            value,
            ensure_ascii=False,
            allow_nan=False,
            indent=2 if indent else None,
            separators=None if indent else (",", ":"),
        )
    finally:
        sys.setrecursionlimit(previous)
    return text.encode("utf-8", "surrogatepass")


def json_line(value: Any) -> bytes:
    r"""One JSON line (with its newline) for a decoded JSON value, however deep.

    orjson escapes the C0 controls (ESC, BEL, ...) as JSON requires; the others a terminal
    may act on (DEL, C1, bidirectional overrides) it writes raw, so they are written as
    ``\u`` escapes too (:func:`safe_json`).

    >>> json_line({"summary": "a\x1b[2J\x9b\u202eb"})
    b'{"summary":"a\\u001b[2J\\u009b\\u202eb"}\n'
    """
    return safe_json(dumps(value)) + b"\n"


def excerpt(data: bytes | str, limit: int = EXCERPT_CHARS) -> str:
    """The start of ``data`` as printable text: bad UTF-8 and control characters escaped.

    At most ``limit`` characters (and an ellipsis) however long the input.

    >>> excerpt(b'{"time":\\x1b[2J}')
    '{"time":\\\\x1b[2J}'
    >>> excerpt("x" * 100, 5)
    'xxxxx…'
    """
    if isinstance(data, bytes):
        text = data[: limit * 4].decode("utf-8", "backslashreplace")
    else:
        text = data[: limit * 4]
    shown = escape_controls(text[:limit])
    if len(shown) > limit or len(text) > limit:
        shown = shown[:limit] + "…"
    return shown
