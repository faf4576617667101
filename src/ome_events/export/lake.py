"""Writing rows into a Parquet lake that never loses nor doubles a row.

The lake is Hive-partitioned (``date=YYYY-MM-DD/[hour=H/][server=NAME/]``, UTC, H from 0 to
23) and each partition directory holds **one** file, ``part-0.parquet``. Every write of a
partition makes a new file under a temporary name (the rows written now, then the rows kept
from the old file), and renames it over ``part-0.parquet``: a crash or Ctrl-C at any moment
leaves the old partition, whole and readable; readers never see half a file.

Every row has a ``row_key``: a hash of its server, time, byte offset in its log file and
type. A line keeps its byte offset when ``events.log`` is renamed or gzipped, so the key
names the line whatever file it was read from, and:

* ``append`` skips the rows whose key is already in the partition: re-running the same
  export (a cron job run twice, or an hourly export that reads today's whole file again)
  adds nothing;
* ``replace`` drops, in each partition written to, the rows of the servers written there
  that fall in the export's time window, and keeps every other row (other servers, other
  times): exporting ``edge1`` again never touches ``edge2``.

One export at a time: the lake's root directory is locked (``flock`` on the directory
itself, so no lock file is left in the lake) while writing, and a second export into the
same lake is refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ome_events.files import directory_lock

__all__ = ["PART", "Existing", "LakeWriter", "lake_lock", "row_keys"]

Existing = Literal["error", "replace", "append"]

#: The one file of each partition.
PART = "part-0.parquet"

# Memory is bounded by these, whatever the log's size and the width of its rows: each open
# partition holds less than a row group (by rows, or by bytes for wide rows: the server log's,
# long snapshots) before it is written out, and all of them together at most twice that.
ROW_GROUP_ROWS = 32_768
MAX_PENDING_ROWS = 2 * ROW_GROUP_ROWS
ROW_GROUP_BYTES = 12 * 1024 * 1024
MAX_PENDING_BYTES = 2 * ROW_GROUP_BYTES


def row_keys(table: pa.Table | pa.RecordBatch, server: str | None = None) -> pa.Array:
    """The ``row_key`` of each row: 8 bytes of BLAKE2b over its server, time (ms), byte
    offset and type, as a signed 64-bit integer. The same line gives the same key in every
    export, whatever file it was read from; IP addresses never enter it (a redacted export
    keys its rows like a plain one). A row without a byte offset (events made in memory)
    is keyed by its source and summary as well.

    ``server`` names the server of every row when the table has no server column (a
    partition by server keeps it in the directory name).
    """
    columns = table.schema.names
    count = table.num_rows
    servers = table.column("server").to_pylist() if "server" in columns else [server] * count
    times = pc.cast(table.column("time"), pa.int64()).to_pylist()
    offsets = table.column("byte_offset").to_pylist()
    types = table.column("type").to_pylist()
    texts = [
        f"{server}\x1f{time}\x1f{offset}\x1f{kind}"
        for server, time, offset, kind in zip(servers, times, offsets, types, strict=True)
    ]
    if None in offsets:  # rare: events made in memory
        sources = table.column("source").to_pylist()
        summaries = table.column("summary").to_pylist()
        for i, offset in enumerate(offsets):
            if offset is None:
                texts[i] += f"\x1f{sources[i]}\x1f{summaries[i]}"
    blake2b = hashlib.blake2b
    from_bytes = int.from_bytes
    keys = [
        from_bytes(blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big",
                   signed=True)
        for text in texts
    ]  # fmt: skip
    return pa.array(keys, type=pa.int64())


def lake_lock(root: Path) -> contextlib.AbstractContextManager[None]:
    """Hold the lake's lock, or raise ``BlockingIOError`` naming the lake."""
    busy = f"another export is writing to {os.fspath(root)!r}: try again when it is done"
    return directory_lock(root, busy)


class _Partition:
    """One partition directory being rewritten: the new rows, then the old ones kept."""

    def __init__(self, writer: LakeWriter, directory: Path, server: str | None) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob(".part-*.tmp"):  # left by a crash: we hold the lock
            stale.unlink(missing_ok=True)
        self.owner = writer
        self.directory = directory
        self.server = server  # the partition's server, when partitioned by server
        self.old_files = sorted(p for p in directory.glob("*.parquet") if p.is_file())
        # The keys already in the partition (append): a set, looked up row by row (Arrow's
        # is_in would build its hash table again for every batch).
        self.old_keys = self._old_keys() if writer.existing == "append" else None
        self.temporary = directory / f".part-{uuid.uuid4().hex[:8]}.tmp"
        self.file = pq.ParquetWriter(self.temporary, writer.schema, compression="snappy")
        self.pending: list[pa.Table] = []
        self.rows = 0
        self.bytes = 0  # of the pending rows, as Arrow holds them
        self.written_keys: list[pa.Array] = []
        self.servers: set[str] = set()

    def _old_keys(self) -> set[int]:
        keys: set[int] = set()
        for path in self.old_files:
            if "row_key" in pq.read_schema(path).names:  # only that column is read
                keys.update(pq.read_table(path, columns=["row_key"]).column(0).to_pylist())
            else:  # a file written before row keys existed
                for table in self._tables(path):
                    keys.update(row_keys(table, self.server).to_pylist())
        return keys

    @staticmethod
    def _tables(path: Path) -> Iterator[pa.Table]:
        file = pq.ParquetFile(path)
        for group in range(file.num_row_groups):
            yield file.read_row_group(group)

    def _kept_rows(self, path: Path) -> Iterator[pa.Table]:
        """The rows of an old file that stay, a row group at a time; a group wholly replaced
        is never read beyond its server and time columns."""
        file = pq.ParquetFile(path)
        names = file.schema_arrow.names
        deciding = [name for name in ("server", "time") if name in names]
        for group in range(file.num_row_groups):
            keep = self._kept(file.read_row_group(group, columns=deciding))
            if not pc.any(keep).as_py():
                continue
            table = self.owner.conform(file.read_row_group(group), self.server)
            yield table.filter(keep)

    def add(self, table: pa.Table) -> int:
        """Queue rows for the partition; the count kept (append drops rows already there)."""
        keys = table.column("row_key").combine_chunks()
        if self.old_keys:
            old = self.old_keys
            fresh = pa.array([key not in old for key in keys.to_pylist()], type=pa.bool_())
            table = table.filter(fresh)
            keys = keys.filter(fresh)
        if not table.num_rows:
            return 0
        self.servers.update(
            [self.server]
            if self.server is not None
            else pc.unique(table.column("server")).to_pylist()
        )
        self.written_keys.append(keys)
        self.pending.append(table)
        self.rows += table.num_rows
        self.bytes += table.nbytes
        return int(table.num_rows)

    def flush(self) -> None:
        if self.pending:
            self.file.write_table(pa.concat_tables(self.pending))
            self.pending = []
            self.rows = 0
            self.bytes = 0

    def close(self) -> None:
        """Copy the old rows that stay, finish the file and rename it over the partition."""
        self.flush()
        final = self.directory / PART
        if not self.written_keys and self.old_files == [final]:
            self.abandon()  # nothing new (an append run again): the partition stays as it is
            return
        # Old rows never repeat a new one (append dropped those, replace drops the servers'
        # rows in the window, and a key names its server and time); only several old files
        # (a crash between rename and clean-up, an older layout) can repeat rows: then every
        # row written is remembered and written once.
        seen: set[int] | None = None
        if len(self.old_files) > 1:
            seen = set()
            for keys in self.written_keys:
                seen.update(keys.to_pylist())
        for path in self.old_files:
            for table in self._kept_rows(path):
                if seen is not None and table.num_rows:
                    table = table.filter(_first_time(table.column("row_key"), seen))
                if table.num_rows:
                    self.file.write_table(table)
        self.file.close()
        os.replace(self.temporary, final)
        for path in self.old_files:
            if path != final:
                path.unlink(missing_ok=True)

    def _kept(self, table: pa.Table) -> pa.Array:
        """Which old rows stay: all with append; with replace, those of other servers or
        outside the export's time window."""
        everything = pa.array([True] * table.num_rows, type=pa.bool_())
        if self.owner.existing != "replace":
            return everything
        if self.server is not None:
            ours = pa.array([self.server in self.servers] * table.num_rows)
        else:
            ours = pc.is_in(table.column("server"), value_set=pa.array(sorted(self.servers)))
        inside = everything
        time = table.column("time")
        unit = time.type
        if self.owner.since is not None:
            since = pa.scalar(self.owner.since, type=unit)
            inside = pc.and_(inside, pc.greater_equal(time, since))
        if self.owner.until is not None:
            inside = pc.and_(inside, pc.less(time, pa.scalar(self.owner.until, type=unit)))
        return pc.invert(pc.and_(ours, inside))

    def abandon(self) -> None:
        with contextlib.suppress(Exception):
            self.file.close()
        self.temporary.unlink(missing_ok=True)
        # A partition folder left empty (made for this export) goes too, up to the lake.
        folder = self.directory
        while folder != self.owner.root and folder.is_relative_to(self.owner.root):
            try:
                folder.rmdir()  # only when empty
            except OSError:
                break
            folder = folder.parent


class LakeWriter:
    """Record batches in (in ``schema`` without the key, plus ``server``), a lake out, in
    bounded memory. ``by_server`` adds a ``server=`` level, ``hourly`` an ``hour=`` level."""

    def __init__(
        self,
        root: Path,
        schema: pa.Schema,
        *,
        by_server: bool,
        hourly: bool,
        existing: Existing,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> None:
        self.root = root
        self.by_server = by_server
        self.hourly = hourly
        self.existing = existing
        self.since = since
        self.until = until
        # A column that is a partition key lives in the directory names, not in the files.
        self.schema = schema.remove(schema.get_field_index("server")) if by_server else schema
        self.partitions: dict[tuple[str, ...], _Partition] = {}
        #: Rows written (after append's de-duplication).
        self.written = 0

    def keys_of(self, table: pa.Table, server: str | None) -> pa.Array:
        if "row_key" in table.schema.names:
            return table.column("row_key").combine_chunks()
        return row_keys(table, server)

    def conform(self, table: pa.Table, server: str | None) -> pa.Table:
        """An old file's rows in today's schema: a file from before a column was added gets
        it empty (the key computed)."""
        columns = []
        for field in self.schema:
            if field.name in table.schema.names:
                columns.append(table.column(field.name).cast(field.type))
            elif field.name == "row_key":
                columns.append(row_keys(table, server))
            else:
                columns.append(pa.nulls(table.num_rows, type=field.type))
        return pa.Table.from_arrays(columns, schema=self.schema)

    def write(self, batches: Iterator[pa.RecordBatch]) -> None:
        try:
            for batch in batches:
                self._add(batch)
            for partition in self.partitions.values():
                partition.close()
        except BaseException:
            for partition in self.partitions.values():
                partition.abandon()
            raise

    def _add(self, batch: pa.RecordBatch) -> None:
        table = pa.Table.from_batches([batch])
        table = table.append_column(self.schema.field("row_key"), row_keys(table))
        keys: dict[str, pa.Array] = {
            "date": pc.strftime(table.column("time"), format="%Y-%m-%d").combine_chunks()
        }
        if self.hourly:
            hours = pc.hour(table.column("time"))  # hour=0 ... hour=23: read as integers
            keys["hour"] = pc.cast(hours, pa.string()).combine_chunks()
        if self.by_server:
            keys["server"] = table.column("server").combine_chunks()
            table = table.drop_columns(["server"])
        table = table.select(self.schema.names)
        groups = pa.table(keys).group_by(list(keys)).aggregate([]).to_pylist()
        for group in groups:
            key = tuple(group[name] for name in keys)
            mask = None
            for name, value in zip(keys, key, strict=True):
                equal = pc.equal(keys[name], value)
                mask = equal if mask is None else pc.and_(mask, equal)
            self.written += self._partition(key).add(table.filter(mask))
        self._bound_memory()

    def _partition(self, key: tuple[str, ...]) -> _Partition:
        partition = self.partitions.get(key)
        if partition is None:
            parts = [f"date={key[0]}"]
            if self.hourly:
                parts.append(f"hour={key[1]}")
            server = key[-1] if self.by_server else None
            if server is not None:
                parts.append(f"server={_escape(server)}")
            directory = self.root.joinpath(*parts)
            partition = self.partitions[key] = _Partition(self, directory, server)
        return partition

    def _bound_memory(self) -> None:
        for partition in self.partitions.values():
            if partition.rows >= ROW_GROUP_ROWS or partition.bytes >= ROW_GROUP_BYTES:
                partition.flush()
        pending = sum(p.rows for p in self.partitions.values())
        held = sum(p.bytes for p in self.partitions.values())
        while pending > MAX_PENDING_ROWS or held > MAX_PENDING_BYTES:
            fullest = max(self.partitions.values(), key=lambda p: p.bytes)
            pending -= fullest.rows
            held -= fullest.bytes
            fullest.flush()


def _first_time(keys: pa.ChunkedArray, seen: set[int]) -> pa.Array:
    """True for the keys not in ``seen`` (which then remembers them)."""
    mask = []
    for key in keys.to_pylist():
        mask.append(key not in seen)
        seen.add(key)
    return pa.array(mask, type=pa.bool_())


def _escape(value: str) -> str:
    """A partition value as Hive-aware readers expect it in a directory name."""
    from urllib.parse import quote

    return quote(value, safe=" -_.~")
