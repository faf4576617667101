"""``ome-events export`` (a real subprocess) and the export library: CSV and JSON Lines,
spreadsheet-formula neutralising, and IP redaction.

Expected rows are computed here from the sample files (json module, README file order).
"""

from __future__ import annotations

import csv
import io
import ipaddress
import json
import os
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from tests.helpers.cli import KST_DIR, KST_EVENTS, OME_EVENTS, UTC_DIR, UTC_EVENTS
from tests.helpers.lines import event_line

from ome_events import parse_line, read_stream
from ome_events.export import (
    CONTROL_CHARACTERS,
    CSV_COLUMNS,
    IpRedactor,
    escape_controls,
    event_record,
    neutralise_cell,
    write_csv,
    write_jsonl,
)
from ome_events.text import has_controls

PATIENCE = 60.0


def export(*args: str) -> subprocess.CompletedProcess[str]:
    """Run export; stdout decoded as UTF-8 with its line ends untouched (CSV uses CRLF)."""
    result = subprocess.run(
        [OME_EVENTS, "export", *args],
        capture_output=True,
        timeout=PATIENCE,
        check=False,
        env={**os.environ, "TZ": "UTC"},
    )
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
    )


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def source_parts(source: str, category: str = "") -> tuple[str, str, str]:
    """(vhost, app, stream) of a source ID, parsed here by hand; a host's ID is its vhost."""
    if not source.startswith("#"):
        return (source if category == "HostEvent" else "", "", "")
    vhost, _, rest = source[1:].partition("#")
    app, _, stream = rest.partition("/")
    return (vhost, app, stream)


# Candidates for addresses in any text: validated with the ipaddress module.
_V4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d])")
_V6 = re.compile(r"[0-9A-Fa-f:]*:[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*")


def addresses(text: str) -> set[str]:
    """The IP addresses in a text (0.0.0.0/8, which redaction leaves, excluded)."""
    found = set()
    for candidate in _V4.findall(text) + _V6.findall(text):
        try:
            address = ipaddress.ip_address(candidate.strip(":"))
        except ValueError:
            continue
        if address.version == 4 and address in ipaddress.ip_network("0.0.0.0/8"):
            continue
        if address.packed != bytes(len(address.packed)):
            found.add(str(address))
    return found


class TestCsv:
    """export --format csv."""

    def test_every_event_is_a_row_under_a_header(self) -> None:
        """The header is CSV_COLUMNS; one row per event, oldest first, fields as in the log."""
        result = export(str(UTC_DIR))
        assert result.returncode == 0
        assert result.stdout.split("\r\n", 1)[0] == ",".join(CSV_COLUMNS)
        rows = csv_rows(result.stdout)
        assert len(rows) == len(UTC_EVENTS)
        for row, raw in zip(rows, UTC_EVENTS, strict=True):
            assert row["time"] == raw["time"]
            assert row["level"] == raw["level"]
            assert row["category"] == raw["category"]
            assert row["type"] == raw["type"]
            assert row["cause"] == raw.get("cause", "")
            assert row["source"] == raw["sourceId"]
            assert (row["vhost"], row["app"], row["stream"]) == source_parts(
                raw["sourceId"], raw["category"]
            )
            assert row["summary"] == raw["summary"]
            if "snapshot" in raw:
                assert json.loads(row["snapshot"]) == raw["snapshot"]
            else:
                assert row["snapshot"] == ""

    def test_filters_apply(self) -> None:
        """The same filters as tail: here warnings of the cam streams on the 26th."""
        result = export(str(UTC_DIR), "--level", "warning", "--stream", "cam*")
        expected = [
            o
            for o in UTC_EVENTS
            if o["level"] != "Info" and source_parts(o["sourceId"])[2].startswith("cam")
        ]
        assert expected
        assert [r["time"] for r in csv_rows(result.stdout)] == [o["time"] for o in expected]

    def test_limit_and_offset(self) -> None:
        """--limit N --offset K: the N events before the K newest."""
        result = export(str(KST_DIR), "--limit", "7", "--offset", "3")
        assert [r["time"] for r in csv_rows(result.stdout)] == [
            o["time"] for o in KST_EVENTS[-10:-3]
        ]

    def test_utc_converts_times(self) -> None:
        """Times keep the log's offset, or are converted with --utc."""
        result = export(str(KST_DIR), "--limit", "1", "--utc")
        raw_time = KST_EVENTS[-1]["time"]
        assert raw_time.endswith("+09:00")
        expected = datetime.fromisoformat(raw_time).astimezone(UTC)
        assert csv_rows(result.stdout)[0]["time"] == expected.isoformat(timespec="milliseconds")

    def test_output_file(self, tmp_path: Path) -> None:
        """-o writes the file (UTF-8, CRLF rows) and says how many events on stderr."""
        target = tmp_path / "out.csv"
        result = export(str(KST_DIR), "-o", str(target))
        assert result.returncode == 0
        assert result.stdout == ""
        assert f"wrote {len(KST_EVENTS)} events" in result.stderr
        data = target.read_bytes()
        assert data.count(b"\r\n") == len(KST_EVENTS) + 1
        assert len(csv_rows(data.decode("utf-8"))) == len(KST_EVENTS)

    def test_formula_cells_are_neutralised(self, tmp_path: Path) -> None:
        """Cells starting with = + - @ get a leading quote; a leading tab or CR is shown as the
        escape \\t or \\r (inert too); other cells stay as they are."""
        dangerous = [
            '=HYPERLINK("http://evil.example","x")',
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(1,1)",
            "\t=1+1",
            "\r=1+1",
        ]
        log = tmp_path / "events.log"
        log.write_bytes(
            b"".join(event_line(summary=text, source=text) for text in dangerous)
            + event_line(summary="Stream created. Id: 1")
        )
        rows = csv_rows(export(str(log)).stdout)
        for row, text in zip(rows, dangerous, strict=False):
            for column in ("summary", "source"):
                if text[0] in "\t\r":
                    assert row[column] == escape_controls(text)
                    assert row[column][0] == "\\"
                else:
                    assert row[column] == "'" + text
        assert rows[-1]["summary"] == "Stream created. Id: 1"

    def test_each_event_is_one_line_without_control_characters(self, tmp_path: Path) -> None:
        """Newlines, ESC and C1 in a summary are written as visible escapes."""
        log = tmp_path / "events.log"
        log.write_bytes(event_line(summary="a\nb\x1b[2J\x9bc\u202ed"))
        result = export(str(log))
        assert result.stdout.count("\n") == result.stdout.count("\r\n") == 2
        assert csv_rows(result.stdout)[0]["summary"] == "a\\nb\\x1b[2J\\x9bc\\u202ed"


class TestJsonl:
    """export --format jsonl."""

    def test_original_objects_one_per_line(self) -> None:
        """Each line is the event's original object; the output is a valid events.log."""
        result = export(str(UTC_DIR), "--format", "jsonl")
        assert result.returncode == 0
        assert [json.loads(line) for line in result.stdout.splitlines()] == UTC_EVENTS
        reread = list(read_stream(io.BytesIO(result.stdout.encode())))
        assert len(reread) == len(UTC_EVENTS)

    def test_format_from_file_name(self, tmp_path: Path) -> None:
        """-o x.jsonl writes JSON Lines without --format."""
        target = tmp_path / "x.jsonl"
        export(str(KST_DIR), "-o", str(target), "--type", "ServerStarted")
        objects = [json.loads(line) for line in target.read_text().splitlines()]
        assert objects == [o for o in KST_EVENTS if o["type"] == "ServerStarted"]


class TestRedaction:
    """--redact-ip: viewer and encoder addresses are personal data."""

    @pytest.mark.parametrize("fmt", ["csv", "jsonl"])
    def test_no_address_is_left(self, fmt: str) -> None:
        """Not in summaries, source URLs or snapshot values (the samples have many)."""
        assert addresses("\n".join(json.dumps(o) for o in UTC_EVENTS)) >= {
            "203.0.113.66",
            "198.51.100.77",
            "172.17.0.1",
            "192.0.2.10",
        }
        result = export(str(UTC_DIR), "--format", fmt, "--redact-ip")
        assert result.returncode == 0
        assert addresses(result.stdout) == set()

    def test_same_address_same_pseudonym(self) -> None:
        """The 20 signed-policy failures from one viewer keep one pseudonym; others differ."""
        types = "VerifyingSignedPolicyFailed,StreamCreated"
        rows = csv_rows(export(str(UTC_DIR), "--type", types, "--redact-ip").stdout)

        def hosts(event_type: str, pattern: str) -> set[str]:
            return {
                match[1]
                for row in rows
                if row["type"] == event_type and (match := re.search(pattern, row["summary"]))
            }

        policy = hosts("VerifyingSignedPolicyFailed", r"RemoteAddress: (\S+):\d+")
        assert len(policy) == 1
        (pseudonym,) = policy
        assert re.fullmatch(r"ip-[0-9a-f]{6}", pseudonym)
        created = hosts("StreamCreated", r"SourceUrl: \w+://([^:]+):")
        assert len(created) > 1
        assert pseudonym not in created

    def test_pseudonyms_differ_between_exports(self) -> None:
        """A new random key per run: two exports cannot be joined on the pseudonyms."""
        args = (
            str(UTC_DIR),
            "--type",
            "VerifyingSignedPolicyFailed",
            "--limit",
            "1",
            "--redact-ip",
        )
        assert export(*args).stdout != export(*args).stdout

    def test_only_addresses_change(self) -> None:
        """Everything else (ports, hosts, times, versions) is kept."""
        redactor = IpRedactor(key=b"k")
        text = (
            "Stream created. Id: 1, SourceUrl: TCP://198.51.100.77:60211, Version: 0.18.1.2,"
            " at 2025-03-26T10:00:07.112+00:00, Url: srt://[2001:db8::42]:9999?streamid=a,b"
            " host edge.example.com mac aa:bb:cc:dd:ee:ff"
        )
        redacted = redactor.text(text)
        assert addresses(redacted) == set()
        assert ":60211, Version: 0.18.1.2, at 2025-03-26T10:00:07.112+00:00" in redacted
        assert "[ip6-" in redacted and "]:9999?streamid=a,b" in redacted
        assert "edge.example.com mac aa:bb:cc:dd:ee:ff" in redacted
        assert redactor.text(text) == redacted  # stable within one redactor

    def test_values_and_keys_of_snapshots(self) -> None:
        """value() walks objects and arrays; non-strings are kept."""
        redactor = IpRedactor(key=b"k")
        data = {"url": "rtmp://192.0.2.10/app", "n": 3, "list": ["203.0.113.9", None], "ok": True}
        redacted = redactor.value(data)
        assert addresses(json.dumps(redacted)) == set()
        assert redacted["n"] == 3 and redacted["ok"] is True and redacted["list"][1] is None


class TestLibrary:
    """The export module's building blocks."""

    @pytest.mark.parametrize(
        ("cell", "expected"),
        [
            ("=1+1", "'=1+1"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@A1", "'@A1"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("\uff1d1+1", "'\uff1d1+1"),
            ("Stream created", "Stream created"),
            ("", ""),
            ("a=b", "a=b"),
        ],
    )
    def test_neutralise_cell(self, cell: str, expected: str) -> None:
        """Only a formula-like first character is neutralised."""
        assert neutralise_cell(cell) == expected

    def test_escape_controls_leaves_text_alone(self) -> None:
        """Ordinary text (non-ASCII included) is returned unchanged."""
        assert escape_controls("café [red] ☕ 한국어") == "café [red] ☕ 한국어"
        assert escape_controls("\x00\x1b\x7f\x85\u2028") == "\\x00\\x1b\\x7f\\x85\\u2028"

    @given(
        st.text(
            st.one_of(
                st.characters(max_codepoint=0x7F),
                st.sampled_from(sorted(map(chr, CONTROL_CHARACTERS))),
                st.characters(),
            )
        )
    )
    def test_control_checks_match_the_plain_definition(self, text: str) -> None:
        """The fast checks (ASCII text: its unprintable characters) give what looking up
        every character in CONTROL_CHARACTERS gives."""
        controls = [c for c in text if ord(c) in CONTROL_CHARACTERS]
        assert has_controls(text) is bool(controls)
        escaped = escape_controls(text)
        assert (escaped == text) is not controls
        assert not any(ord(c) in CONTROL_CHARACTERS for c in escaped)

    def test_event_record(self) -> None:
        """A flat row of strings keyed by CSV_COLUMNS."""
        event = parse_line(event_line(cause="BFrameDetected", snapshot={"b": 1, "a": [2]}))
        record = event_record(event)
        assert list(record) == list(CSV_COLUMNS)
        assert record["cause"] == "BFrameDetected"
        assert record["stream"] == "cam1"
        assert json.loads(record["snapshot"]) == {"b": 1, "a": [2]}

    def test_writers_count_and_round_trip(self) -> None:
        """write_jsonl writes what parse_line reads back equal; write_csv counts rows."""
        events = [parse_line(line) for line in raw_lines(KST_DIR / "events.log")[:20]]
        binary = io.BytesIO()
        assert write_jsonl(events, binary) == 20
        assert [parse_line(line) for line in binary.getvalue().splitlines()] == events
        text = io.StringIO(newline="")
        assert write_csv(events, text) == 20
        assert len(csv_rows(text.getvalue())) == 20


def raw_lines(path: Path) -> list[bytes]:
    return [line for line in path.read_bytes().splitlines() if line.strip()]


class TestPipes:
    """export | head ends quietly."""

    def test_closed_pipe(self) -> None:
        """status 0 and nothing on stderr when the reader goes away."""
        result = subprocess.run(
            ["bash", "-o", "pipefail", "-c", f"'{OME_EVENTS}' export '{UTC_DIR}' | head -n 2"],
            capture_output=True,
            text=True,
            timeout=PATIENCE,
            check=False,
        )
        assert len(result.stdout.splitlines()) == 2
        assert result.stderr == ""
        assert result.returncode == 0


class TestRedactionCannotLeak:
    """Generated addresses, embedded the ways logs and URLs write them, never survive."""

    @given(data=st.data())
    def test_no_address_survives(self, data: st.DataObject) -> None:
        """Percent-encoded, glued to letters, leading zeros, mapped, bracketed with ports."""
        import urllib.parse

        version = data.draw(st.sampled_from([4, 6]))
        if version == 4:
            address: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.IPv4Address(
                data.draw(st.integers(1 << 24, (1 << 32) - 1))
            )
            octets = str(address).split(".")
            forms = [
                str(address),
                ".".join(o.zfill(3) for o in octets),
                "%2E".join(octets),
                f"::ffff:{address}",
                f"{address}:{data.draw(st.integers(1, 65535))}",
            ]
            glue = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_/%", max_size=4)
        else:
            address = ipaddress.IPv6Address(data.draw(st.integers(1, (1 << 128) - 1)))
            port = data.draw(st.integers(1, 65535))
            forms = [str(address), address.exploded, f"[{address}]:{port}"]
            glue = st.text(alphabet="ghijklmnopqrstuvwxyz_/ ,;=[]()", max_size=4)
        form = data.draw(st.sampled_from(forms))
        before, after = data.draw(glue), data.draw(glue)
        # The one documented exception: an IPv6 address written without a digit (::a) glued
        # to a word reads as a C++ name (ov::Converter), and is left alone.
        assume(not (version == 6 and not any(c.isdigit() for c in form)
                    and (before[-1:].isalnum() or after[:1].isalnum())))  # fmt: skip
        text = before + form + after
        if data.draw(st.booleans()):
            text = "rtmp://" + text + "/app/stream?key=1"
        if data.draw(st.booleans()):
            text = urllib.parse.quote(text, safe="")
        redacted = IpRedactor().text(text)
        plain = urllib.parse.unquote(redacted)
        assert str(address) not in plain, (text, redacted)
        if version == 4:
            assert ".".join(o.zfill(3) for o in octets) not in plain, (text, redacted)
        else:
            assert address.exploded not in plain.lower(), (text, redacted)


class TestOutputTargets:
    """-o replaces a regular file atomically, and nothing else: a device, a named pipe or a
    symbolic link is never replaced by a plain file."""

    def test_a_named_pipe_is_written_in_place(self, tmp_path: Path) -> None:
        fifo = tmp_path / "events.fifo"
        os.mkfifo(fifo)
        export = subprocess.Popen(
            [OME_EVENTS, "export", str(UTC_DIR), "--format", "jsonl", "-o", str(fifo)]
        )
        with open(fifo, "rb") as pipe:
            received = pipe.read()
        assert export.wait(timeout=120) == 0
        assert len(received.splitlines()) == len(UTC_EVENTS)
        assert fifo.is_fifo()
        assert not list(tmp_path.glob(".ome-events-*"))

    def test_a_symbolic_link_keeps_pointing_at_its_target(self, tmp_path: Path) -> None:
        target = tmp_path / "real.csv"
        target.write_text("old\n")
        target.chmod(0o600)
        link = tmp_path / "latest.csv"
        link.symlink_to(target.name)
        result = subprocess.run(
            [OME_EVENTS, "export", str(UTC_DIR), "-o", str(link)],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert link.is_symlink()
        assert target.read_text().startswith("time,")
        assert target.stat().st_mode & 0o777 == 0o600  # the file's mode is kept

    def test_a_missing_folder_names_the_output(self, tmp_path: Path) -> None:
        """Not the temporary file the export would have written first."""
        out = tmp_path / "missing" / "events.csv"
        result = export(str(UTC_DIR), "-o", str(out))
        assert result.returncode == 1
        assert result.stderr == f"ome-events: No such file or directory: {out}\n"


class TestFormatFromTheName:
    def test_parquet_by_name_and_unknown_suffixes_refused(self, tmp_path: Path) -> None:
        """-o x.parquet writes a Parquet dataset (it used to be CSV under that name);
        -o x.xlsx is a usage error, not CSV in disguise."""
        dataset = tmp_path / "events.parquet"
        result = subprocess.run(
            [OME_EVENTS, "export", str(KST_DIR), "-o", str(dataset)],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert dataset.is_dir() and list(dataset.rglob("*.parquet"))
        refused = subprocess.run(
            [OME_EVENTS, "export", str(KST_DIR), "-o", str(tmp_path / "x.xlsx")],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert refused.returncode == 2
        assert "cannot write .xlsx" in refused.stderr
        assert not (tmp_path / "x.xlsx").exists()
