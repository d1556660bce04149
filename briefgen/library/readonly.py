"""The library's mappings: read like a dict, refuse every change in briefgen's words.

One loaded Library is cached and shared by every brief a process makes (the CLI's
batch, ``briefgen serve``, a script calling ``make`` in a loop), so a caller's
``lib.regions["x"] = ...`` would quietly change every later brief.  A dict
subclass keeps lookups at dict speed; only the methods that change it are refused.
"""
from __future__ import annotations

from typing import Any, NoReturn


class ReadOnly(dict):
    """A dict of one kind of record whose changing methods raise TypeError with a way forward."""

    __slots__ = ("kind",)

    def __init__(self, kind: str, items: Any = ()) -> None:
        dict.__init__(self, items)
        self.kind = kind

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(f"the library's {self.kind} are read-only: one loaded library is shared by every "
                        "brief in this process. To change content, edit its files or add an overlay "
                        "folder and load the library again (briefgen.load_library(overlays=[...]))")

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self) -> tuple:
        return ReadOnly, (self.kind, dict(self))

    def __copy__(self) -> dict:
        return dict(self)        # a copy is the caller's own, to change at will

    def __repr__(self) -> str:
        return f"ReadOnly({self.kind}: {len(self)} records)"
