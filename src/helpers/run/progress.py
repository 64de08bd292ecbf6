"""What a run shows while it works and when it ends: a progress bar over councils, and the summary table.

On a terminal: a tqdm bar (councils done/total, elapsed, ETA, failures so far). Elsewhere (CI
logs, pipes): no bar, one plain line per finished council, so logs stay readable.
"""
from __future__ import annotations

import sys
from typing import Protocol, TextIO

from tqdm import tqdm


class Unit(Protocol):
    """What the summary needs of a unit's result."""

    council: str
    service: str
    status: str
    seconds: float
    error: str


class Progress:
    """Councils done out of the total, with failures so far."""

    def __init__(self, total: int, stream: TextIO | None = None, bar: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total, self.done, self.failures = total, 0, 0
        use_bar = self.stream.isatty() if bar is None else bar
        self.bar = tqdm(total=total, unit="council", file=self.stream, dynamic_ncols=True, smoothing=0.1,
                        bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}] {postfix}",
                        desc="councils") if use_bar and total else None

    def council_done(self, code: str, units: list[Unit], seconds: float) -> None:
        """Count a finished council (any unit failed → a failure) and show it with its wall time in seconds."""
        self.done += 1
        failed = any(u.status == "failed" for u in units)
        self.failures += failed
        if self.bar is not None:
            self.bar.set_postfix_str(f"failed: {self.failures}", refresh=False)
            self.bar.update(1)
            return
        status = "failed" if failed else "cached" if all(u.status == "cached" for u in units) else "ok"
        print(f"[{self.done}/{self.total}] {code}: {status} ({seconds:.1f} s)", file=self.stream, flush=True)

    def write(self, message: str) -> None:
        """A message that does not break the bar."""
        if self.bar is not None:
            self.bar.write(message, file=self.stream)
        else:
            print(message, file=self.stream, flush=True)

    def close(self) -> None:
        """Remove the bar."""
        if self.bar is not None:
            self.bar.close()


def first_line(text: str, width: int = 70) -> str:
    """The first line of a message, shortened to width characters."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[:width - 1] + "…"


def summary_table(units: list[Unit]) -> str:
    """Council, service, status, seconds and error of every unit that ran, failed or was not run.

    Councils whose every unit was cached are counted on one line instead of listed.
    """
    by_council: dict[str, list[Unit]] = {}
    for u in units:
        by_council.setdefault(u.council, []).append(u)
    cached = [c for c, us in by_council.items() if all(u.status == "cached" for u in us)]
    shown = [u for c, us in by_council.items() if c not in cached for u in us]
    shown.sort(key=lambda u: (u.status == "failed", u.council))
    rows = [("council", "service", "status", "seconds", "error")]
    rows += [(u.council, u.service, u.status, f"{u.seconds:.1f}", first_line(u.error)) for u in shown]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join([*(r[i].ljust(widths[i]) for i in range(4)), r[4]]).rstrip() for r in rows] if shown else []
    if cached:
        lines.append(f"{len(cached)} council(s) unchanged since their last run: skipped (--force reruns them)")
    return "\n".join(lines)
