"""A benchmark corpus: realistic lines from the sample generator, cached on disk."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The generator is a package next to the samples it writes (sample_logs/generator/).
sys.path.insert(0, str(ROOT / "sample_logs"))

from generator import busy_day_lines, corpus_lines  # noqa: E402

#: The corpora: ``mixed`` repeats a busy server's lines from templates (fast to make at any
#: size); ``busy`` is one coherent day (stream lives, chronic encoder trouble, REST polling).
KINDS = {"mixed": corpus_lines, "busy": busy_day_lines}


def corpus_file(lines: int, seed: int = 0, kind: str = "mixed") -> Path:
    """A file of about ``lines`` generated lines (made once, then reused from the temp
    folder, or ``$OME_BENCH_DIR``)."""
    folder = Path(os.environ.get("OME_BENCH_DIR", tempfile.gettempdir())) / "ome-events-bench"
    folder.mkdir(parents=True, exist_ok=True)
    prefix = "corpus" if kind == "mixed" else kind
    path = folder / f"{prefix}-{lines}-{seed}.log"
    if not path.exists():
        partial = path.with_suffix(".part")
        with open(partial, "wb") as out:
            out.writelines(KINDS[kind](lines, seed))
        partial.replace(path)
    return path
