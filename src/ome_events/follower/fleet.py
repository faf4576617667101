"""Following several logs at once (one per server): their events merged as they come.

Each log has its own :class:`~ome_events.follower.core.Follower` (its own rotations, its own
checkpoint); :class:`FleetFollower` takes one event at a time from whichever has one, so each
follower's position stays just past the last event handed out, as with one log.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType

from ome_events.follower.core import Follower
from ome_events.follower.wakeup import Doorbell
from ome_events.model import Event
from ome_events.position import Position

__all__ = ["FleetFollower", "checkpoint_for"]


def checkpoint_for(checkpoint: str, server: str) -> str:
    """The checkpoint file of one log when several are followed: ``CHECKPOINT.SERVER``."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in server)
    return f"{checkpoint}.{safe}"


class FleetFollower(Iterator[Event]):
    """Several followers, one per log; iterate it for their events as they come (each log's
    in its order). Runs until ``close()`` (or the end of a ``with``).

    ``wait`` is how long to sleep when no log had anything new (each follower reads with its
    own inotify and polling; this only bounds the latency of the merge).
    """

    def __init__(self, followers: list[Follower], *, wait: float = 0.05) -> None:
        self.followers = followers
        self.wait = wait
        self._next = 0
        self._closed = False
        self._wakeup = Doorbell()  # safe when a signal handler raises while waiting

    def __iter__(self) -> FleetFollower:
        return self

    def __next__(self) -> Event:
        while True:
            if self._closed:
                self.close()
                raise StopIteration
            event = self.take_ready()
            if event is not None:
                return event
            self._wakeup.wait(self.wait)

    def take_ready(self) -> Event | None:
        """The next event of any log if one is there now, else None (round robin, so that a
        busy log cannot starve a quiet one)."""
        count = len(self.followers)
        for step in range(count):
            follower = self.followers[(self._next + step) % count]
            event = follower.take_ready()
            if event is not None:
                self._next = (self._next + step + 1) % count
                return event
        return None

    def poll(self) -> list[Event]:
        """Everything new now, from every log."""
        events = []
        while (event := self.take_ready()) is not None:
            events.append(event)
        return events

    @property
    def positions(self) -> dict[str, Position | None]:
        """Each log's position, by server."""
        return {str(f.server): f.position for f in self.followers}

    def save_checkpoint(self) -> bool:
        """Save every log's checkpoint now; False when one failed (it was logged)."""
        saved = [follower.save_checkpoint() for follower in self.followers]  # every one
        return all(saved)

    def close(self) -> None:
        """Stop following (every log) and save the checkpoints."""
        self._closed = True
        self._wakeup.ring()
        for follower in self.followers:
            follower.close()

    def __enter__(self) -> FleetFollower:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
