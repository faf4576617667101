"""Alerts that reach people: each new finding, once, to a command or an HTTP webhook.

* :class:`CommandAlert` runs a command per finding (no shell): the finding as JSON on its
  standard input, and ``OME_FINDING_SEVERITY``, ``_KIND``, ``_SUBJECT``, ``_SERVER``,
  ``_MESSAGE``, ``_FIRST`` in its environment.
* :class:`WebhookAlert` POSTs ``{"text": ..., "finding": {...}}`` (``text`` is what Slack,
  Mattermost and Rocket.Chat incoming webhooks show), retrying with exponential backoff on
  network errors, 5xx and 429 answers.
* :class:`AlertLog` remembers what was sent, in a small JSON file next to ``watch``'s
  checkpoint, so a restarted ``watch`` does not send the same problem again; and what was
  still waiting to be delivered when it stopped, which the restarted ``watch`` sends first.

Delivery never blocks the reading: each destination has its own thread and a bounded queue;
when a destination is so slow that its queue fills up, the oldest alert waiting is dropped
and the drop is logged. The webhook's URL and the command line may hold secrets (tokens): they
never appear in a log message or an error; the webhook is called "the webhook" and the command
by its program name.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import shlex
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from base64 import b64encode
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from ome_events.analyze.findings import Finding, Severity

__all__ = ["AlertLog", "Alerts", "CommandAlert", "WebhookAlert", "alert_text"]

log = logging.getLogger("ome_events.alerts")

#: Alerts waiting per destination before the oldest is dropped.
QUEUE_SIZE = 1000


def alert_text(finding: Finding) -> str:
    """One line for a chat: ``[warning] bframes #default#app/cam1 (edge1): message``."""
    server = f" ({finding.server})" if finding.server else ""
    return (
        f"[{finding.severity.value}] {finding.kind} {finding.subject.id}{server}: {finding.message}"
    )


class _Destination:
    """A thread delivering payloads one at a time from a bounded queue.

    Each alert is queued with a token; :attr:`on_settled` is called with it once the alert
    is no longer waiting (delivered, failed for good, or dropped), so that
    :class:`AlertLog` keeps only what a restart must still send.
    """

    name = "alert"

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[Finding, int] | None] = queue.Queue(maxsize=QUEUE_SIZE)
        self.sent = 0
        self.failed = 0
        self.dropped = 0
        self.on_settled: Callable[[int], None] | None = None
        self._thread = threading.Thread(target=self._run, name=f"ome-events-{self.name}",
                                        daemon=True)  # fmt: skip
        self._thread.start()

    def send(self, finding: Finding, token: int = 0) -> None:
        """Queue a finding for delivery; never waits."""
        while True:
            try:
                self._queue.put_nowait((finding, token))
                return
            except queue.Full:
                try:
                    oldest = self._queue.get_nowait()  # the oldest goes
                except queue.Empty:
                    continue
                if oldest is not None:
                    self.dropped += 1
                    log.warning("%s: too slow, an alert was dropped", self.name)
                    self._settled(oldest[1])

    def _settled(self, token: int) -> None:
        if self.on_settled is not None:
            self.on_settled(token)

    def close(self, timeout: float = 10.0) -> None:
        """Deliver what is queued (waiting at most ``timeout`` seconds), then stop."""
        try:
            self._queue.put(None, timeout=timeout)
        except queue.Full:
            return
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            finding, token = item
            try:
                if self.deliver(finding):
                    self.sent += 1
                else:
                    self.failed += 1
            except Exception as error:  # a destination must never end the thread
                self.failed += 1
                log.warning("%s: %s", self.name, type(error).__name__)
            try:
                self._settled(token)
            except Exception as error:  # the alert log cannot be saved: it said so
                log.warning("%s: %s", self.name, type(error).__name__)

    def deliver(self, finding: Finding) -> bool:
        raise NotImplementedError


class CommandAlert(_Destination):
    """Run ``command`` (a list, or a string split like a shell would, without a shell) for
    each finding. A command that fails or takes longer than ``timeout`` is logged by its
    program name and its status, never its arguments."""

    def __init__(self, command: str | Sequence[str], *, timeout: float = 30.0) -> None:
        self.argv = shlex.split(command) if isinstance(command, str) else list(command)
        if not self.argv:
            raise ValueError("the alert command is empty")
        self.timeout = timeout
        self.name = f"alert command {os.path.basename(self.argv[0])}"
        super().__init__()

    def deliver(self, finding: Finding) -> bool:
        env = {
            **os.environ,
            "OME_FINDING_SEVERITY": finding.severity.value,
            "OME_FINDING_KIND": finding.kind,
            "OME_FINDING_SUBJECT": finding.subject.id,
            "OME_FINDING_SERVER": finding.server or "",
            "OME_FINDING_MESSAGE": finding.message,
            "OME_FINDING_FIRST": finding.first.isoformat(timespec="milliseconds"),
        }
        try:
            done = subprocess.run(
                self.argv,
                input=json.dumps(finding.to_json(), default=str).encode(),
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            log.warning("%s: still running after %g s, stopped", self.name, self.timeout)
            return False
        except OSError as error:
            log.warning("%s: cannot run it: %s", self.name, error.strerror or error)
            return False
        if done.returncode != 0:
            log.warning("%s: exited with status %d", self.name, done.returncode)
            return False
        return True


def _why(error: BaseException) -> str:
    """Why a request failed, in the system's words (``Connection refused``, ``Name or
    service not known``), never with the URL; TLS errors by their class."""
    reason = getattr(error, "reason", error)
    if isinstance(reason, str):
        return "unreachable"
    if isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, OSError) and reason.strerror and type(reason).__module__ != "ssl":
        return str(reason.strerror)
    return type(reason).__name__


class WebhookAlert(_Destination):
    """POST each finding as JSON to ``url``: ``{"text": <one line>, "finding": <as in
    analyze --json>}``; up to ``attempts`` tries, waiting ``backoff``, then twice as long
    each time, on network errors, 5xx and 429 answers. A user and password in the URL
    (``https://user:password@host/path``) are sent as HTTP basic authentication."""

    name = "the webhook"

    def __init__(
        self, url: str, *, attempts: int = 5, backoff: float = 1.0, timeout: float = 10.0
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError("the webhook must be an http:// or https:// URL")
        self._headers = {"Content-Type": "application/json", "User-Agent": "ome-events"}
        parts = urllib.parse.urlsplit(url)
        if parts.username is not None or parts.password is not None:
            # urllib does not take credentials from the URL: it would look up
            # "user:password@host" as a host name.
            user = urllib.parse.unquote(parts.username or "")
            password = urllib.parse.unquote(parts.password or "")
            token = b64encode(f"{user}:{password}".encode()).decode()
            self._headers["Authorization"] = f"Basic {token}"
            url = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
        self._url = url
        self.attempts = attempts
        self.backoff = backoff
        self.timeout = timeout
        super().__init__()

    def __repr__(self) -> str:  # the URL may hold a token
        return "WebhookAlert(<url hidden>)"

    def deliver(self, finding: Finding) -> bool:
        body = json.dumps(
            {"text": alert_text(finding), "finding": finding.to_json()}, default=str
        ).encode()
        wait = self.backoff
        for attempt in range(1, self.attempts + 1):
            request = urllib.request.Request(
                self._url, data=body, method="POST", headers=self._headers
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                    answer.read()
                return True
            except urllib.error.HTTPError as error:
                why = f"HTTP {error.code}"
                if error.code < 500 and error.code != 429:
                    log.warning("%s: refused the alert (%s)", self.name, why)
                    return False
            except (urllib.error.URLError, OSError) as error:
                why = _why(error)
            if attempt < self.attempts:
                log.warning("%s: %s, trying again in %g s", self.name, why, wait)
                time.sleep(wait)
                wait *= 2
            else:
                log.warning("%s: %s, gave up after %d tries", self.name, why, self.attempts)
        return False


class AlertLog:
    """What was sent, by (kind, server, subject): a problem that comes back within
    ``window`` of the last alert about it is not sent again, also after a restart (the log
    is a JSON file, written atomically after each alert). Bounded: the oldest entries go
    beyond ``limit``.

    It also keeps the alerts still waiting for their destination (:meth:`hold`, until
    :meth:`settle`), each in a small file of the folder ``PATH.waiting`` (written when the
    alert is queued, removed when it is settled: a cost per alert that does not grow with
    the queue). When ``watch`` stops with a webhook down or a slow command, what was not
    delivered stays there, and the next run with the same log sends it first
    (:meth:`take_left`). An alert is then sent at least once: one that was being delivered
    at the very moment of the stop may arrive twice.
    """

    def __init__(
        self, path: str | os.PathLike[str] | None = None, *,
        window: timedelta = timedelta(hours=1), limit: int = 10_000,
    ) -> None:  # fmt: skip
        self.path = None if path is None else Path(path)
        self.folder = (
            None if self.path is None else self.path.with_name(self.path.name + ".waiting")
        )
        self.window = window
        self.limit = limit
        self._last: dict[str, datetime] = {}
        # destination name -> token -> its file in the folder (None without a folder)
        self._waiting: dict[str, dict[int, Path | None]] = {}
        self._tokens = 0
        self._dirty = False
        self._lock = threading.Lock()  # delivery threads settle while the reader records
        if self.path is not None and self.path.exists():
            try:
                data = json.loads(self.path.read_text())
                self._last = {key: datetime.fromisoformat(value) for key, value in data.items()}
            except (OSError, ValueError, TypeError, AttributeError):
                log.warning("%s: unreadable alert log, starting afresh", self.path)
        self._left = self._waiting_files()

    def _waiting_files(self) -> list[Path]:
        """The files of alerts a previous run left waiting, oldest first; tokens go on
        after theirs."""
        if self.folder is None or not self.folder.is_dir():
            return []
        files = []
        for path in self.folder.glob("*.json"):
            if path.stem.isdigit():
                files.append(path)
                self._tokens = max(self._tokens, int(path.stem))
        return sorted(files, key=lambda path: int(path.stem))

    @staticmethod
    def key(finding: Finding) -> str:
        return json.dumps([finding.kind, finding.server, finding.subject.id])

    def is_new(self, finding: Finding) -> bool:
        """True when no alert about this problem was sent within the window."""
        last = self._last.get(self.key(finding))
        return last is None or finding.first - last > self.window

    def record(self, finding: Finding, *, save: bool = True) -> None:
        """Remember an alert about the finding (``save=False``: the same problem going on,
        kept in memory and saved with the next alert or on close)."""
        key = self.key(finding)
        previous = self._last.get(key)
        self._last[key] = finding.last if previous is None else max(previous, finding.last)
        excess = len(self._last) - self.limit
        if excess > 0:
            for old in sorted(self._last, key=self._last.__getitem__)[:excess]:
                del self._last[old]
        self._dirty = True
        if save:
            self.save()

    def hold(self, destination: str, finding: Finding) -> int:
        """Keep ``finding`` as waiting for ``destination`` (in its own file); returns the
        token that settles it."""
        with self._lock:
            self._tokens += 1
            token = self._tokens
        path = None
        if self.folder is not None:
            path = self.folder / f"{token:010d}.json"
            data = {"destination": destination, "finding": finding.to_json()}
            try:
                self.folder.mkdir(exist_ok=True)
                temporary = path.with_suffix(".tmp")
                temporary.write_text(json.dumps(data, default=str))
                os.replace(temporary, path)
            except OSError as error:
                log.warning("%s: cannot keep a waiting alert: %s", self.folder, error.strerror)
                path = None
        with self._lock:
            self._waiting.setdefault(destination, {})[token] = path
        return token

    def settle(self, destination: str, token: int) -> None:
        """The alert is no longer waiting (delivered, failed for good, or dropped)."""
        with self._lock:
            path = self._waiting.get(destination, {}).pop(token, None)
        if path is not None:
            path.unlink(missing_ok=True)

    def waiting(self, destination: str) -> int:
        """How many alerts wait for ``destination``."""
        with self._lock:
            return len(self._waiting.get(destination, {}))

    def take_left(self) -> list[tuple[str, Finding, int]]:
        """The alerts a previous run left waiting, oldest first, once: (destination name,
        finding, token). They are held again as they are: settle each token, or they stay
        for the next run."""
        taken = []
        for path in self._left:
            try:
                data = json.loads(path.read_text())
                name, finding = str(data["destination"]), Finding.from_json(data["finding"])
            except (OSError, ValueError, TypeError, KeyError, AttributeError):
                log.warning("%s: unreadable waiting alert, left there", path)
                continue
            token = int(path.stem)
            with self._lock:
                self._waiting.setdefault(name, {})[token] = path
            taken.append((name, finding, token))
        self._left = []
        return taken

    def save(self) -> None:
        """Write the log of what was sent (atomically) if it changed."""
        if self.path is None or not self._dirty:
            return
        self._dirty = False
        temporary = self.path.with_name(self.path.name + ".tmp")
        try:
            temporary.write_text(
                json.dumps({key: value.isoformat() for key, value in self._last.items()})
            )
            os.replace(temporary, self.path)
        except OSError as error:
            log.warning("%s: cannot save the alert log: %s", self.path, error.strerror)


class Alerts:
    """Findings to destinations: each problem once (see :class:`AlertLog`), at least
    ``minimum`` severity. ``notify`` takes findings as they come (open or final).

    Alerts that the previous run (the same alert log) left undelivered are sent first, to
    the destination of the same name; those whose destination is not given any more are
    named in a warning and dropped."""

    def __init__(
        self,
        destinations: Iterable[CommandAlert | WebhookAlert],
        *,
        minimum: Severity = Severity.WARNING,
        log_of_sent: AlertLog | None = None,
    ) -> None:
        self.destinations = list(destinations)
        self.minimum = minimum
        self.sent = log_of_sent or AlertLog()
        self.resent: dict[str, int] = {}
        for destination in self.destinations:
            destination.on_settled = self._settler(destination.name)
        by_name = {d.name: d for d in self.destinations}
        lost: dict[str, int] = {}
        for name, finding, token in self.sent.take_left():
            target = by_name.get(name)
            if target is None:
                lost[name] = lost.get(name, 0) + 1
                self.sent.settle(name, token)
                continue
            target.send(finding, token)
            self.resent[name] = self.resent.get(name, 0) + 1
        for name, count in lost.items():
            log.warning(
                "%d alert(s) left undelivered by the last run for %s, which is not given"
                " now: dropped", count, name,
            )  # fmt: skip

    def _settler(self, name: str) -> Callable[[int], None]:
        return lambda token: self.sent.settle(name, token)

    def notify(self, findings: Iterable[Finding]) -> int:
        """Send the findings not sent yet; how many were sent."""
        count = 0
        for finding in findings:
            if finding.severity < self.minimum or not self.sent.is_new(finding):
                if finding.severity >= self.minimum:  # the same problem going on: quiet,
                    self.sent.record(finding, save=False)  # and no file write per refresh
                continue
            for destination in self.destinations:
                destination.send(finding, self.sent.hold(destination.name, finding))
            self.sent.record(finding)  # saved with what waits
            count += 1
        return count

    def close(self) -> None:
        """Deliver what waits (each destination waits a little), and save what is left."""
        for destination in self.destinations:
            destination.close()
        self.sent.save()

    def describe(self) -> list[str]:
        """What each destination did, for a closing message."""
        lines = []
        for d in self.destinations:
            text = f"{d.name}: {d.sent} sent, {d.failed} failed, {d.dropped} dropped"
            resent = self.resent.get(d.name)
            if resent:
                text += f" ({resent} left by the last run among them)"
            waiting = self.sent.waiting(d.name)
            if waiting:
                kept = self.sent.path is not None
                text += f"; {waiting} not delivered" + (
                    ", sent first by the next run with this checkpoint" if kept else ""
                )
            lines.append(text)
        return lines
