"""``ome-events tail`` in a real terminal: a tmux pane running a shell, driven like a person.

What a pipe cannot show: colours chosen for a terminal, that hostile text in events does not
act on the terminal (its title, its screen), that ``tail -f`` shows lines as they are
written, and that Ctrl-C ends it cleanly. Skipped when tmux is not installed.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.helpers.lines import SAMPLES, event_line

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(
    TMUX is None, reason="tmux is not installed (apt-get install tmux) for the terminal tests"
)

OME_EVENTS = str(Path(sys.executable).parent / "ome-events")
# Generous, only so that a broken test cannot hang forever.
PATIENCE = 60.0
WIDTH, HEIGHT = 250, 60


class Pane:
    """A shell in a detached tmux session of its own (own server socket)."""

    def __init__(self, socket: Path) -> None:
        assert TMUX is not None
        # A server of our own, its socket in the test's folder (removed with it).
        self.tmux = [TMUX, "-S", str(socket), "-f", "/dev/null"]
        # COLUMNS and LINES may be exported by whatever runs the tests: a terminal's shell does
        # not export them (programs would take them over the window's real size).
        shell = (
            "env -u NO_COLOR -u FORCE_COLOR -u COLUMNS -u LINES TZ=UTC PS1='$ '"
            " bash --norc --noprofile"
        )
        self._tmux("new-session", "-d", "-x", str(WIDTH), "-y", str(HEIGHT), "-s", "t", shell)
        self._tmux("set-option", "-t", "t", "history-limit", "5000")

    def _tmux(self, *args: str) -> str:
        result = subprocess.run(
            [*self.tmux, *args], capture_output=True, text=True, timeout=PATIENCE, check=True
        )
        return result.stdout

    def type(self, command: str) -> None:
        """Type a command line and press Enter."""
        self._tmux("send-keys", "-t", "t", "-l", command)
        self._tmux("send-keys", "-t", "t", "Enter")

    def keys(self, *keys: str) -> None:
        """Press keys (tmux names: C-c)."""
        self._tmux("send-keys", "-t", "t", *keys)

    def screen(self, *, escapes: bool = False) -> str:
        """What the pane shows (with its scrollback); ``escapes``: with SGR colour codes."""
        return self._tmux(
            "capture-pane", "-p", "-J", "-S", "-5000", "-t", "t", *(["-e"] if escapes else [])
        )

    def resize(self, width: int, height: int = HEIGHT) -> None:
        """Resize the window, as a user dragging the terminal's corner (SIGWINCH)."""
        self._tmux("resize-window", "-t", "t", "-x", str(width), "-y", str(height))

    def title(self) -> str:
        return self._tmux("display-message", "-p", "-t", "t", "#{pane_title}").strip()

    def wait_for(self, condition: Callable[[str], bool], *, escapes: bool = False) -> str:
        """Poll the screen until the condition holds (or the test's patience ends)."""
        deadline = time.monotonic() + PATIENCE
        while True:
            screen = self.screen(escapes=escapes)
            if condition(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"the screen never showed what was expected:\n{screen}")
            time.sleep(0.05)

    def run(self, command: str) -> str:
        """Type a command, wait until it has finished; the screen, with its status echoed."""
        marker = f"status-{uuid.uuid4().hex[:8]}"
        self.type(f"{command}; echo {marker}=$?")
        return self.wait_for(lambda s: re.search(rf"^{marker}=\d+$", s, re.M) is not None)

    def close(self) -> None:
        subprocess.run(
            [*self.tmux, "kill-server"], capture_output=True, timeout=PATIENCE, check=False
        )


@pytest.fixture
def pane(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pane]:
    terminal = Pane(tmp_path_factory.mktemp("tmux") / "socket")
    try:
        terminal.wait_for(lambda s: s.startswith("$"))
        yield terminal
    finally:
        terminal.close()


def status_of(screen: str) -> int:
    return int(re.findall(r"^status-[0-9a-f]+=(\d+)$", screen, re.M)[-1])


def sgr_before(screen: str, word: str) -> set[str]:
    """The SGR parameters in force where ``word`` starts, as tmux re-emits them."""
    index = screen.index(word)
    codes = re.findall(r"\x1b\[([0-9;]*)m", screen[max(0, screen.rfind("\n", 0, index)) : index])
    params: set[str] = set()
    for code in codes:
        parts = code.split(";") if code else ["0"]
        if "0" in parts:
            params.clear()
        params.update(p for p in parts if p != "0")
    return params


class TestColours:
    """On a terminal, lines are coloured without being asked."""

    def test_levels_are_coloured(self, pane: Pane) -> None:
        """ERROR in bold red, WARN in yellow, the time dim, on a terminal by default."""
        log = shlex.quote(str(SAMPLES / "server-utc"))
        screen = pane.run(f"{OME_EVENTS} tail {log} --level warning -n all")
        assert status_of(screen) == 0
        coloured = pane.screen(escapes=True)
        assert {"1", "31"} <= sgr_before(coloured, "ERROR")
        assert "33" in sgr_before(coloured, "WARN ")
        assert "2" in sgr_before(coloured, "2025-03-26 10:00:07.112")

    def test_no_color_turns_it_off(self, pane: Pane) -> None:
        """NO_COLOR=1 gives plain lines even on a terminal."""
        log = shlex.quote(str(SAMPLES / "server-utc"))
        pane.run(f"NO_COLOR=1 {OME_EVENTS} tail {log} --level error -n 3")
        coloured = pane.screen(escapes=True)
        assert "ERROR" in coloured
        assert "31" not in sgr_before(coloured, "ERROR")
        assert "1" not in sgr_before(coloured, "ERROR")


def hostile_log(directory: Path) -> Path:
    """Events whose text tries to retitle, clear, ring, link and recolour the terminal."""
    directory.mkdir(parents=True, exist_ok=True)
    summary = (
        "Stream created. [bold red]markup[/] [link=https://evil.example]click[/link]"
        " \x1b]2;pwned-title\x07 \x1b]0;pwned-too\x1b\\ \x1b]8;;https://evil.example\x07link"
        "\x1b]8;;\x07 \x07bell \x1b[2J\x1b[3J\x1b[H \x9b2J c1 \x1b[41mred-bg\u202eevil\u202c end"
    )
    lines = [
        event_line(summary="a harmless line"),
        event_line(
            "2025-03-26T05:21:47.000+00:00",
            level="Error",
            type="StreamCreationFailed",
            source="#default#app/[red]cam\x1b]2;pwned-source\x07",
            cause="[blink]Cause\x1b[5m",
            summary=summary,
        ),
    ]
    path = directory / "events.log"
    path.write_bytes(b"".join(lines))
    return path


class TestHostileText:
    """Markup and control sequences in events are shown, not obeyed."""

    def test_the_terminal_is_not_touched(self, pane: Pane, tmp_path: Path) -> None:
        """Title unchanged, screen not cleared, sequences shown as escapes, markup literal."""
        # First prove the pane obeys such sequences, so the checks below can fail.
        pane.run("printf '\\033]2;a-raw-title\\007'")
        assert pane.title() == "a-raw-title"
        pane.run("printf '\\033]2;clean-title\\007'; echo BEFORE-THE-TAIL")
        assert pane.title() == "clean-title"

        log = hostile_log(tmp_path / "log")
        for color in ("always", "never"):
            screen = pane.run(f"{OME_EVENTS} tail {shlex.quote(str(log))} --color {color}")
            assert status_of(screen) == 0
            assert pane.title() == "clean-title"
            assert "BEFORE-THE-TAIL" in screen  # no clear screen, no cursor home
            assert "[bold red]markup[/] [link=https://evil.example]click[/link]" in screen
            assert "\\x1b]2;pwned-title\\x07" in screen
            assert "\\x1b]0;pwned-too\\x1b\\ " in screen
            assert "\\x07bell \\x1b[2J\\x1b[3J\\x1b[H \\x9b2J c1 \\x1b[41mred-bg" in screen
            assert "\\u202eevil\\u202c end" in screen
            assert "#default#app/[red]cam\\x1b]2;pwned-source\\x07" in screen
            assert "[blink]Cause\\x1b[5m" in screen
            coloured = pane.screen(escapes=True)
            assert "41" not in sgr_before(coloured, "red-bg")
            assert "5" not in sgr_before(coloured, "Cause")

    def test_json_output_is_inert_too(self, pane: Pane, tmp_path: Path) -> None:
        """--json on a terminal: JSON escapes, so nothing is obeyed either."""
        pane.run("printf '\\033]2;clean-title\\007'; echo BEFORE-THE-TAIL")
        log = hostile_log(tmp_path / "log")
        screen = pane.run(f"{OME_EVENTS} tail {shlex.quote(str(log))} --json")
        assert pane.title() == "clean-title"
        assert "BEFORE-THE-TAIL" in screen
        assert "\\u001b]2;pwned-title\\u0007" in screen
        assert "\\u009b2J" in screen


class TestFollow:
    """tail -f in a terminal."""

    def test_new_lines_rotation_and_ctrl_c(self, pane: Pane, tmp_path: Path) -> None:
        """History, then appended lines, then the new file after a rotation; Ctrl-C ends it
        with status 0 and no traceback."""
        logs = tmp_path / "logs"
        logs.mkdir()
        base = logs / "events.log"
        base.write_bytes(b"".join(numbered(n) for n in range(5)))
        pane.type(f"{OME_EVENTS} tail -f -n 2 {shlex.quote(str(logs))}; echo status-end=$?")
        screen = pane.wait_for(lambda s: "event number 4" in s)
        assert "event number 3" in screen
        assert "event number 2" not in screen

        with open(base, "ab") as out:
            out.write(numbered(5))
        pane.wait_for(lambda s: "event number 5" in s)
        base.rename(logs / "events.log.20250326")
        base.write_bytes(numbered(6, level="Error"))
        coloured = pane.wait_for(lambda s: "event number 6" in s, escapes=True)
        assert "31" in sgr_before(coloured, "ERROR")

        pane.keys("C-c")
        # The terminal echoes ^C, and the status follows on the same line.
        screen = pane.wait_for(lambda s: re.search(r"status-end=\d+$", s, re.M) is not None)
        assert re.search(r"status-end=0$", screen, re.M)
        assert "Traceback" not in screen
        assert "KeyboardInterrupt" not in screen
        assert screen.count("event number 5") == 1


class TestProgress:
    """stats, analyze and export on a large history show a progress bar on the terminal,
    then remove it."""

    @pytest.mark.parametrize(
        ("command", "count_of"),
        [
            ("stats --json", lambda text: json.loads(text)["events"]),
            ("analyze --json", lambda text: json.loads(text)["summary"]["events"]),
            ("export --format jsonl", lambda text: len(text.splitlines())),
        ],
        ids=["stats", "analyze", "export"],
    )
    def test_progress_bar(
        self, pane: Pane, tmp_path: Path, command: str, count_of: Callable[[str], int]
    ) -> None:
        """A bar counting megabytes appears on stderr while reading; stdout stays clean."""
        line = event_line(summary="REST API requested. Method: GET, Path: /v1/stats/current")
        count = 48_000_000 // len(line) + 1  # above the 32 MiB threshold
        log = tmp_path / "events.log"
        log.write_bytes(line * count)
        out = tmp_path / "stats.json"
        pane.type(
            f"{OME_EVENTS} {command} {shlex.quote(str(log))} > {shlex.quote(str(out))};"
            " echo status-done=$?"
        )
        finished = re.compile(r"^status-done=\d+$", re.M)
        screen = pane.wait_for(
            lambda s: ("reading" in s and " MB" in s) or bool(finished.search(s))
        )
        assert re.search(r"reading .* [\d.]+/\d+\.\d MB", screen), screen
        screen = pane.wait_for(lambda s: bool(finished.search(s)))
        assert "status-done=0" in screen
        assert "reading" not in screen  # the bar is gone once done
        assert count_of(out.read_text()) == count


def numbered(number: int, level: str = "Info") -> bytes:
    when = f"2025-03-26T05:{number // 60:02d}:{number % 60:02d}.000+00:00"
    return event_line(when, level=level, summary=f"Stream created. event number {number}")


class TestWatchView:
    """watch's live view on a terminal: findings beyond the rows are counted, never silently
    cut."""

    def test_hidden_findings_are_counted(self, pane: Pane, tmp_path: Path) -> None:
        from tests.helpers.analyze import abnormal, created, line, prepared

        log = tmp_path / "events.log"
        lines = [line(0, "ServerStarted", "6add8be3-181f-4c4b-bc4e-9a7d52c0e1f4",
                      "Server started. Name: o, Version: 1")]  # fmt: skip
        for number in range(20):
            stream = f"#default#app/s{number:02d}"
            at = 10 + number
            lines += [created(at, 100 + number, source=stream),
                      prepared(at + 0.1, 100 + number, source=stream),
                      abnormal(at + 0.5, "BFrameDetected", source=stream)]  # fmt: skip
        log.write_bytes(b"".join(lines))
        pane.type(f"{OME_EVENTS} watch --poll --from-start {shlex.quote(str(tmp_path))}")
        screen = pane.wait_for(lambda s: "more (watch --plain lists every one)" in s)
        assert "Findings (20 open)" in screen
        assert "... and 5 more" in screen
        pane.keys("C-c")
        pane.wait_for(lambda s: s.rstrip().endswith("$"))

    def test_a_resize_is_redrawn_at_once(self, pane: Pane, tmp_path: Path) -> None:
        """Narrow first (the table cut to 70 columns), then wider with no new event: the view
        is drawn again at the new width (tmux only cuts lines on a resize, it never widens
        them: a line wider than 70 comes from a redraw)."""
        from tests.helpers.analyze import abnormal, created, prepared

        log = tmp_path / "events.log"
        stream = "#default#a-rather-long-application-name/and-a-long-stream-name-too"
        lines = [
            created(10, 100, source=stream),
            prepared(10.1, 100, source=stream),
            abnormal(10.5, "BFrameDetected", source=stream),
        ]
        log.write_bytes(b"".join(lines))

        def widest(screen: str) -> int:
            """The widest line the watch view drew (after the command's prompt line)."""
            lines = screen.splitlines()
            start = max(i for i, text in enumerate(lines) if text.startswith("$ ")) + 1
            return max((len(text) for text in lines[start:]), default=0)

        pane.resize(70)
        try:
            pane.type(f"{OME_EVENTS} watch --poll --from-start {shlex.quote(str(tmp_path))}")
            narrow = pane.wait_for(lambda s: "Findings (1 open)" in s)
            assert widest(narrow) <= 70
            # Nothing cut, and wrapped finding lines stay indented.
            assert "…" not in narrow
            lines = narrow.splitlines()
            below = lines[next(i for i, t in enumerate(lines) if t.startswith("Findings")) + 1 :]
            assert all(not text or text.startswith("  ") for text in below), below
            assert "stream-name-too" in "".join(text.strip() for text in below)
            pane.resize(200)
            wide = pane.wait_for(lambda s: widest(s) > 70)
            assert "Findings (1 open)" in wide
            pane.keys("C-c")
            pane.wait_for(lambda s: s.rstrip().endswith("$"))
        finally:
            pane.resize(WIDTH)


class TestNarrowTerminal:
    """analyze's digest at 80 columns: nothing wider, long lines wrap under their own
    indentation (never back to column 0), no line padded with spaces to the width."""

    def test_digest_fits_80_columns(self, pane: Pane) -> None:
        from tests.helpers.lines import SAMPLES

        out = shlex.quote(str(SAMPLES / "server-utc"))
        pane.type(f"COLUMNS=80 {OME_EVENTS} analyze --color always {out}; echo status-done=$?")
        finished = re.compile(r"^status-done=\d+$", re.M)
        screen = pane.wait_for(lambda s: bool(finished.search(s)))
        lines = screen.splitlines()
        start = next(i for i, text in enumerate(lines) if text.startswith("ERRORS"))
        end = next(i for i, text in enumerate(lines) if text.startswith("status-done"))
        body = lines[start:end]
        assert all(len(text) <= 80 for text in body), body
        assert not any(text != text.rstrip() for text in body)  # no padding
        titles = ("ERRORS", "WARNINGS", "NOTES", "Streams", "REST API")
        for text in body:
            assert not text or text.startswith(" ") or text.startswith(titles), text
