"""Every Python example of README.md and docs/*.md runs: the fenced ``python`` blocks of a page,
in order, in one namespace (as a reader would paste them), from a scratch directory where
``sample_logs/`` is the repository's. A block that cannot run here (it follows a live log
forever, needs a cluster, or is a signature) says why in a ``<!-- not run: reason -->`` line
just above it; nothing else is skipped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"(?:<!-- not run: (?P<reason>[^\n]*?) -->\n)?```python\n(?P<code>.*?)```", re.S)


def blocks(page: Path) -> list[tuple[int, str | None, str]]:
    text = page.read_text()
    return [
        (text.count("\n", 0, m.start("code")) + 1, m.group("reason"), m.group("code"))
        for m in BLOCK.finditer(text)
    ]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_example_runs(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import matplotlib

    matplotlib.use("Agg")
    (tmp_path / "sample_logs").symlink_to(ROOT / "sample_logs")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for line, reason, code in blocks(page):
        if reason is not None:
            assert reason.strip(), f"{page.name}:{line}: a block not run must say why"
            continue
        try:
            exec(compile(code, f"{page.name}:{line}", "exec"), namespace)
        except Exception as error:
            pytest.fail(f"{page.name}:{line}: the example fails: {type(error).__name__}: {error}")
    import matplotlib.pyplot as plt

    plt.close("all")


def test_the_pages_have_examples() -> None:
    counted = {page.name: len(blocks(page)) for page in PAGES}
    assert counted["README.md"] >= 3
    runnable = sum(1 for page in PAGES for _, reason, _ in blocks(page) if reason is None)
    assert runnable >= 7, counted
