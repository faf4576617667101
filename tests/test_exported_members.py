"""The public names of each package are exactly its ``__all__`` (httpx's check)."""

from __future__ import annotations

import importlib
import inspect

import pytest

PACKAGES = [
    "ome_events",
    "ome_events.analyze",
    "ome_events.export",
    "ome_events.follower",
    "ome_events.jupyter",
    "ome_events.snapshots",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_names_resolve(name: str) -> None:
    """Every name in ``__all__`` can be imported, and ``__all__`` is sorted and unique."""
    package = importlib.import_module(name)
    names = list(package.__all__)
    assert names == sorted(names, key=lambda n: (not n.isupper(), n)) or names == sorted(names)
    assert len(set(names)) == len(names)
    for member in names:
        assert getattr(package, member) is not None, member


@pytest.mark.parametrize("name", PACKAGES)
def test_public_names_are_in_all(name: str) -> None:
    """Every public class and function the package offers from its own modules is in
    ``__all__`` (what it imports only to use, such as typing names, is not)."""
    package = importlib.import_module(name)
    public = {
        member
        for member, value in vars(package).items()
        if not member.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and getattr(value, "__module__", "").startswith(name)
        and member != "lazy_attributes"
    }
    assert public, "the package offers no names at all"
    assert public <= set(package.__all__)
