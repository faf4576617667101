"""The server: restarts and internal queue congestion."""

from __future__ import annotations

from tests.helpers.analyze import SERVER, found, line, one, run

from ome_events.analyze import Severity


def started(seconds: float, version: str = "0.18.1.2") -> bytes:
    return line(
        seconds,
        "ServerStarted",
        SERVER,
        f"Server started. Name: origin-1, Version: {version}, Id: {SERVER}",
    )


def host_deleted(seconds: float) -> bytes:
    return line(seconds, "HostDeleted", "default", "Host deleted. Name: default")


def congestion(seconds: float, size: int = 700, queue: str = "MediaRouter-StreamWorker-2") -> bytes:
    return line(
        seconds,
        "InternalQueueCongestion",
        SERVER,
        f"Internal queue congestion. QueueName: {queue}, Size: {size}, Threshold: 500,"
        f" PeakSize: {size + 50}",
    )


class TestRestarts:
    """``ServerStarted`` after the server was already running."""

    def test_first_start_is_not_a_restart(self) -> None:
        """The log's first ServerStarted is the server starting."""
        assert run([started(0)]).findings == ()

    def test_graceful_restart_is_a_note(self) -> None:
        """Hosts deleted just before: a clean restart, an info note."""
        finding = one(run([started(0), host_deleted(3600), started(3609)]), "server_restart")
        assert finding.severity is Severity.INFO
        assert "clean shutdown" in finding.message

    def test_unclean_restart(self) -> None:
        """No shutdown before it: a crash or a kill."""
        finding = one(run([started(0), started(3600)]), "unclean_restart")
        assert finding.severity is Severity.WARNING

    def test_restart_after_other_events(self) -> None:
        """A ServerStarted after other events of the log is a restart too."""
        lines = [line(0, "HostCreated", "default", "x"), started(60)]
        assert found(run(lines)) == [("unclean_restart", SERVER)]

    def test_restart_loop(self) -> None:
        """Four starts within twenty minutes are a restart loop."""
        lines = [started(seconds) for seconds in (0, 300, 600, 900)]
        finding = one(run(lines), "restart_loop")
        assert finding.count == 3

    def test_upgrade(self) -> None:
        """A restart into another version says so."""
        lines = [started(0, "0.18.1.1"), host_deleted(3600), started(3609, "0.18.1.2")]
        assert "upgraded from 0.18.1.1" in one(run(lines), "server_restart").message

    def test_servers_table(self) -> None:
        """The report lists the server with its name, version and starts."""
        [server] = run([started(0), host_deleted(3600), started(3609)]).servers
        assert (server.id, server.name, server.version, server.starts) == (
            SERVER,
            "origin-1",
            "0.18.1.2",
            2,
        )


class TestQueueCongestion:
    """Bursts of ``InternalQueueCongestion``."""

    def test_burst(self) -> None:
        """Ten congestion events within 28 s are one warning with the figures."""
        lines = [congestion(index * 3, 620 + index * 120) for index in range(10)]
        finding = one(run(lines), "queue_congestion")
        assert finding.count == 10
        assert finding.subject.id == SERVER
        assert "MediaRouter-StreamWorker-2" in finding.message
        assert "size up to 1700" in finding.message

    def test_a_few_are_normal(self) -> None:
        """Four congestion events are below the threshold (5)."""
        assert run([congestion(index * 3) for index in range(4)]).findings == ()

    def test_spread_out_is_not_a_burst(self) -> None:
        """Congestion events five minutes apart are not a burst."""
        assert run([congestion(index * 300) for index in range(10)]).findings == ()

    def test_queues_are_kept_apart(self) -> None:
        """Two queues with three events each are not one burst of six."""
        lines = [congestion(index, queue=f"Q{index % 2}") for index in range(6)]
        assert run(lines).findings == ()
