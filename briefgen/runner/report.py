"""What a batch run tells its caller: the report, the progress line, and the stop request."""
from __future__ import annotations


import time
import signal
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..spec import BriefSpec


# ============================================================================ the report

@dataclass(frozen=True)
class Failure:
    spec: BriefSpec
    formats: tuple[str, ...]
    reason: str

    def describe(self) -> str:
        s = self.spec
        what = " ".join(x for x in (s.region, f"from {s.benchmark}" if s.benchmark else "", s.audience,
                                    s.length, s.lang, f"as of {s.as_of}" if s.as_of else "") if x)
        return f"{what} ({', '.join(self.formats)}): {self.reason}"


@dataclass
class BatchReport:
    """What a batch run did: files written and left unchanged, failures, where the manifest is."""

    folder: Path
    manifest: Path
    edition: str
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    interrupted: bool = False
    not_built: int = 0        # briefs never started because the run was interrupted

    @property
    def failed_files(self) -> int:
        return sum(len(f.formats) for f in self.failed)

    @property
    def exit_code(self) -> int:
        return 130 if self.interrupted else (1 if self.failed else 0)

    def summary(self) -> str:
        return f"{len(self.written)} written, {len(self.unchanged)} unchanged, {self.failed_files} failed"

    def lines(self) -> list[str]:
        """The summary, then one line per failure, for the end of a run."""
        out = [self.summary() + f" ({self.manifest})"]
        out += [f"failed: {f.describe()}" for f in self.failed]
        if self.interrupted:
            out.append(f"interrupted: {self.not_built} brief(s) not built; the manifest matches what was "
                       "written; run the same command again to finish")
        return out


class _Progress:
    """One self-rewriting line on stderr when it is a terminal; nothing otherwise."""

    def __init__(self, total: int, enabled: bool):
        self.total, self.done, self.enabled = total, 0, enabled and total > 0
        self._shown = False
        self._start = time.monotonic()

    def eta(self) -> str:
        """Time left at the pace so far, e.g. "ETA 3m05s" ("" before the first brief)."""
        if not self.done or self.done >= self.total:
            return ""
        left = round((time.monotonic() - self._start) / self.done * (self.total - self.done))
        hours, rest = divmod(left, 3600)
        return f"ETA {hours}h{rest // 60:02d}m" if hours else f"ETA {rest // 60}m{rest % 60:02d}s"

    def step(self, label: str = "") -> None:
        self.done += 1
        if self.enabled:
            width = 24
            filled = width * self.done // self.total
            eta = self.eta()
            sys.stderr.write(f"\r\033[K[{'#' * filled}{'-' * (width - filled)}] "
                             f"{self.done}/{self.total} {eta + ' ' if eta else ''}{label[:60]}")
            sys.stderr.flush()
            self._shown = True

    def clear(self) -> None:
        if self._shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self._shown = False


class _Stop:
    """SIGINT/SIGTERM: the first asks the run to stop after the briefs in hand; a second aborts."""

    def __init__(self):
        self.requested = False
        self._old: dict[int, Any] = {}

    def __enter__(self) -> "_Stop":
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._old[sig] = signal.signal(sig, self._handle)
        return self

    def _handle(self, signum, frame) -> None:
        if self.requested and signum == signal.SIGINT:
            raise KeyboardInterrupt
        self.requested = True
        sys.stderr.write("\nbriefgen: stopping after the briefs in progress (Ctrl-C again to abort)\n")

    def __exit__(self, *exc) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)
