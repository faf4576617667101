"""``python -m ome_events``: the same as the ``ome-events`` command."""

from ome_events.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
