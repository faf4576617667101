"""A benchmark corpus: realistic lines from the sample generator, cached on disk."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The generator is a package next to the samples it writes (sample_logs/generator/).
sys.path.insert(0, str(ROOT / "sample_logs"))

from generator import corpus_lines  # noqa: E402


def corpus_file(lines: int, seed: int = 0) -> Path:
    """A file of ``lines`` generated lines (made once, then reused from the temp folder)."""
    folder = Path(os.environ.get("OME_BENCH_DIR", tempfile.gettempdir())) / "ome-events-bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"corpus-{lines}-{seed}.log"
    if not path.exists():
        partial = path.with_suffix(".part")
        with open(partial, "wb") as out:
            out.writelines(corpus_lines(lines, seed))
        partial.replace(path)
    return path
