"""The follower's wake-up call survives the way services stop: an exception raised by a
signal handler while the follower sleeps (CI caught ``threading.Event`` leaving its lock
held, and ``close()`` then blocked forever)."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import pytest

from ome_events.follower.wakeup import Doorbell


class Stop(Exception):
    pass


def _raise(signum: int, frame: FrameType | None) -> None:
    raise Stop


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs POSIX interval timers")
@pytest.mark.timeout(300, method="thread")  # SIGALRM and the interval timer are this test's
def test_a_signal_raised_while_waiting_never_blocks_the_next_ring() -> None:
    previous = signal.signal(signal.SIGALRM, _raise)
    try:
        for i in range(2000):  # the timer lands at a different point of wait() each time
            bell = Doorbell()
            try:  # the timer is set inside: on a busy machine it can fire at once
                signal.setitimer(signal.ITIMER_REAL, 0.0005 + (i % 7) * 0.0001)
                while True:
                    bell.wait(0.0002)
            except Stop:
                pass
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            ringer = threading.Thread(target=bell.ring, daemon=True)
            ringer.start()
            ringer.join(30)  # a guard against hanging, not a speed requirement
            assert not ringer.is_alive(), f"ring() blocked after a signal (round {i})"
            bell.wait(0)  # the ring is there: answered at once
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_rings_wake_a_waiter_and_are_answered_together() -> None:
    bell = Doorbell()
    bell.ring()
    bell.ring()
    waiter = threading.Thread(target=bell.wait, args=(60,))
    waiter.start()
    waiter.join(30)
    assert not waiter.is_alive()
    # Both rings were answered by that one wait: the next wait sleeps until rung.
    late = threading.Timer(0.05, bell.ring)
    late.start()
    bell.wait(60)
    late.join()
