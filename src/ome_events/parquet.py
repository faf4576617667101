"""The Parquet export (needs pyarrow): an alias of :mod:`ome_events.export.parquet`, kept so
that ``from ome_events.parquet import write_parquet`` goes on working."""

from ome_events.export.parquet import *  # noqa: F403
from ome_events.export.parquet import __all__ as __all__
