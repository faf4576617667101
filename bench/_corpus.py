"""A benchmark corpus: realistic lines from sample_logs/generate.py, cached on disk."""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("generate", ROOT / "sample_logs" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate"] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def corpus_file(lines: int, seed: int = 0) -> Path:
    """A file of ``lines`` generated lines (made once, then reused from the temp folder)."""
    folder = Path(os.environ.get("OME_BENCH_DIR", tempfile.gettempdir())) / "ome-events-bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"corpus-{lines}-{seed}.log"
    if not path.exists():
        partial = path.with_suffix(".part")
        with open(partial, "wb") as out:
            out.writelines(_generator().corpus_lines(lines, seed))
        partial.replace(path)
    return path
