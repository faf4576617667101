"""Waiting for news: inotify (through watchdog) as a hint, a timed re-check as the truth.

inotify drops events on queue overflow, runs out of watches, and never fires on NFS or some
container mounts, so the follower always looks again after ``recheck_interval`` even without
a notification; ``poll=True`` (or a directory where notifications cannot be had) only polls.
"""

from __future__ import annotations

import logging
import os
import queue
from pathlib import Path
from typing import Any

__all__ = ["Doorbell", "Wakeup"]

log = logging.getLogger("ome_events.follower")

# watchdog logs an error when its inotify thread is asked for events while being stopped (a
# race in watchdog itself, harmless: the follower is closing). Without a handler of its own
# it would reach Python's last-resort handler and stderr; an application that configures
# logging still sees it.
logging.getLogger("watchdog.observers.inotify").addHandler(logging.NullHandler())


class Doorbell:
    """A wake-up call that survives signals: ``ring()`` from any thread (or a signal
    handler), ``wait(timeout)`` in the iterating thread.

    ``threading.Event`` is not safe here: an exception raised by a signal handler (the
    usual way to stop a service on SIGTERM) inside ``Event.wait()`` can leave the event's
    internal lock held, and the ``close()`` that follows then blocks forever on ``set()``.
    ``queue.SimpleQueue`` is written in C and documented as reentrant: a ring is an item.
    """

    def __init__(self) -> None:
        self._rings: queue.SimpleQueue[None] = queue.SimpleQueue()

    def ring(self) -> None:
        self._rings.put(None)

    def wait(self, timeout: float) -> None:
        """Sleep until rung or ``timeout`` passes; rings so far are all answered."""
        try:
            self._rings.get(timeout=max(timeout, 0))
            while True:
                self._rings.get_nowait()
        except queue.Empty:
            pass


class Wakeup:
    """Blocks the follower until something may have changed, or a timeout passes."""

    def __init__(
        self, directory: Path, *, poll: bool, poll_interval: float, recheck_interval: float
    ) -> None:
        self.directory = directory
        self.poll_mode = poll
        self.poll_interval = poll_interval
        self.recheck_interval = recheck_interval
        self._bell = Doorbell()
        self._observer: Any = None
        #: The directory notifications come from (its real path), once watching.
        self.watched: str | None = None

    def set(self) -> None:
        """Wake the follower now (close() from another thread does)."""
        self._bell.ring()

    def wait(self) -> None:
        """Sleep until a notification or the interval (poll or re-check) passes."""
        if self.poll_mode:
            self._bell.wait(self.poll_interval)
        else:
            self.start()
            self._bell.wait(
                self.recheck_interval if self._observer is not None else self.poll_interval
            )

    def start(self) -> None:
        """Start watching the directory for notifications (once it exists)."""
        if self.poll_mode or self._observer is not None or not self.directory.is_dir():
            return
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer

        bell = self._bell

        class _Wake(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                bell.ring()

        observer = Observer()
        # inotify watches an inode: through a symlinked directory the events are reported
        # for the real directory, so that is the one watched.
        watched = os.path.realpath(self.directory)
        try:
            observer.schedule(_Wake(), watched, recursive=False)
            observer.daemon = True
            observer.start()
        except OSError as error:  # out of inotify watches, unsupported file system
            log.warning(
                "%s: file notifications unavailable (%s): polling every %g s instead",
                self.directory,
                error,
                self.poll_interval,
            )
            self.poll_mode = True
            return
        self.watched = watched
        self._observer = observer

    def stop(self) -> None:
        """Stop watching."""
        if self._observer is not None:
            self._observer.stop()
            self._observer = None
