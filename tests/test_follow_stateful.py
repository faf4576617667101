"""A hypothesis state machine: whatever the writer, rotations and restarts do, the follower
emits exactly the lines written, in order."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from tests.helpers.follow import OmeLikeLog

from ome_events import follow
from ome_events.follower import Follower


class FollowerMachine(RuleBasedStateMachine):
    """Writer operations interleaved with follower looks and restarts."""

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="ome-follow-"))
        self.log = OmeLikeLog(self.root / "logs")
        self.log.directory.mkdir()
        self.checkpoint = self.root / "ckpt"
        self.follower: Follower = follow(self.log.directory, checkpoint=self.checkpoint, poll=True)
        self.seen: list[str] = []
        # The base file can only be deleted safely once the follower has looked at it:
        # lines in a file created and deleted between two looks are lost for any reader.
        self.base_looked_at = True
        # copytruncate loses lines written between the copy and the truncation for any
        # reader (rsyslog#2640); the follower also reads a copy's unread tail (tested in
        # test_follow.py), but the model only truncates a file the follower has caught up on.
        self.caught_up = True

    def _base_written(self) -> None:
        self.caught_up = False
        if not self.log.base.exists():
            self.base_looked_at = False

    @rule(count=st.integers(1, 5), long=st.booleans())
    def append(self, count: int, long: bool) -> None:
        self._base_written()
        self.log.append(count, long=long)

    @rule()
    def append_half(self) -> None:
        self._base_written()
        self.log.append_half()

    @rule()
    def finish_line(self) -> None:
        if self.log.partial is not None:
            self.caught_up = False
        self.log.finish_line()

    @rule(times=st.integers(1, 3), between=st.integers(0, 2))
    def rotate(self, times: int, between: int) -> None:
        for index in range(times):
            self.log.rotate()
            if between and index + 1 < times:
                self._base_written()
                self.log.append(between)

    @precondition(
        lambda self: self.log.base.exists() and self.caught_up and self.log.partial is None
    )
    @rule()
    def copytruncate(self) -> None:
        self.log.copytruncate()

    @precondition(lambda self: self.log.base.exists() and self.base_looked_at)
    @rule()
    def delete_base(self) -> None:
        self.log.finish_line()
        self.log.base.unlink()

    @rule(pick=st.integers(0, 1000))
    def compress_a_rotated_file(self, pick: int) -> None:
        # The choice is drawn whatever the directory holds, so that generating data never
        # depends on the file system (hypothesis replays examples).
        rotated = sorted(
            p
            for p in self.log.directory.iterdir()
            if p.name != "events.log" and not p.name.endswith(".gz")
        )
        if rotated:
            self.log.compress(rotated[pick % len(rotated)])

    @rule()
    def look(self) -> None:
        self.seen += [e.summary for e in self.follower.poll()]
        self.base_looked_at = True
        self.caught_up = True

    @precondition(lambda self: self.checkpoint.exists())
    @rule()
    def restart_from_checkpoint(self) -> None:
        self.follower.close()
        self.follower = follow(self.log.directory, checkpoint=self.checkpoint, poll=True)

    @invariant()
    def nothing_lost_or_repeated_so_far(self) -> None:
        assert self.seen == self.log.written[: len(self.seen)]

    def teardown(self) -> None:
        try:
            self.log.finish_line()
            for _ in range(3):
                self.seen += [e.summary for e in self.follower.poll()]
            assert self.seen == self.log.written
        finally:
            self.follower.close()
            shutil.rmtree(self.root, ignore_errors=True)


FollowerMachine.TestCase.settings = settings(
    max_examples=int(os.environ.get("OME_STATEFUL_EXAMPLES", "150")), stateful_step_count=30
)
TestFollowerMachine = FollowerMachine.TestCase
