"""Jobs, outcomes and the account of a batch: what runs, what happened, how it is told.

A :class:`Job` is one notebook for one client; an :class:`Outcome` is what
became of it; a :class:`StepFailure` is a problem outside any notebook (one
client's plan, manifest or PDF, or the portfolio).  :class:`BatchResult`
holds them all, says how the batch ended (:attr:`BatchResult.exit_code`) and
is told by :func:`describe` and :func:`failure_table` (capped at
:data:`SHOWN_PROBLEMS` rows; :func:`problems_text` has them all).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import registry

SUMMARY = "summary"
SUMMARY_TITLE = "Executive summary"
SUMMARY_NOTEBOOK = registry.NOTEBOOK_DIR / "executive_summary.ipynb"
PARTS = ".parts"
DEFAULT_TIMEOUT = 300.0
#: Problems printed by a batch; the rest are counted (and written in full on request).  The
#: workbook's rule: a screenful is enough to act on, and a million bad rows must not flood a terminal.
SHOWN_PROBLEMS = 50
#: Exit status of a batch stopped by Ctrl-C (SIGINT), as shells report a process ended by it.
INTERRUPTED_EXIT = 130


# ----------------------------------------------------------------------------
# Jobs and outcomes
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """One notebook to run for one client (a framework, or the summary)."""

    client: str
    framework: str
    notebook: str
    data_dir: str
    reports_dir: str
    fingerprint: str
    timeout: float = DEFAULT_TIMEOUT
    title: str = ""
    include: tuple[tuple[str, str], ...] = ()  # summary only: (name, title) in the combined report
    listed: tuple[str, ...] = ()  # summary only: every framework the client has inputs for


@dataclass
class Outcome:
    """What happened to one job."""

    client: str
    framework: str
    ok: bool
    skipped: bool = False
    cell: int | None = None
    error: str = ""
    headline: dict | None = None
    fingerprint: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    html_bytes: int = 0


@dataclass(frozen=True)
class StepFailure:
    """A problem outside any notebook: ``step`` is ``plan``, ``manifest``, ``pdf`` or ``portfolio``."""

    client: str
    step: str
    error: str


@dataclass
class BatchResult:
    """Everything a batch did; ``failures``, ``step_failures`` and ``interrupted`` drive the exit code.

    ``finished`` are the clients whose pages and summary are done (current or
    rebuilt); ``pdf_planned`` the clients whose PDF was to be printed and
    ``pdf_done`` those printed.
    """

    outcomes: list[Outcome] = field(default_factory=list)
    clients: list[str] = field(default_factory=list)
    html_seconds: float = 0.0
    pdf_seconds: float = 0.0
    pdfs: int = 0
    step_failures: list[StepFailure] = field(default_factory=list)
    worker_startup: float = 0.0
    portfolio: Path | None = None
    finished: list[str] = field(default_factory=list)
    pdf_planned: list[str] = field(default_factory=list)
    pdf_done: list[str] = field(default_factory=list)
    interrupted: bool = False

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def pdf_failures(self) -> list[tuple[str, str]]:
        """``(client, error)`` of every PDF that could not be printed."""
        return [(f.client, f.error) for f in self.step_failures if f.step == "pdf"]

    @property
    def ok(self) -> bool:
        return not self.failures and not self.step_failures and not self.interrupted

    @property
    def exit_code(self) -> int:
        """0 when everything is done, 1 when something failed, 130 when interrupted."""
        if self.interrupted:
            return INTERRUPTED_EXIT
        return 0 if self.ok else 1

    def executed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.ok and not o.skipped]


def one_line(text: str, limit: int = 160) -> str:
    """The first line of ``text``, shortened."""
    line = (str(text).strip().splitlines() or [""])[0]
    return line if len(line) <= limit else line[: limit - 1] + "\u2026"


def problem_rows(result: BatchResult) -> list[tuple[str, str, str, str]]:
    """Every problem as ``(client, framework or step, cell, error)``, notebooks first."""
    rows = [(o.client, o.framework, "" if o.cell is None else str(o.cell), one_line(o.error))
            for o in result.failures]
    return rows + [(f.client, f.step, "", one_line(f.error)) for f in result.step_failures]


def _table(rows: list[tuple[str, str, str, str]]) -> str:
    head = ("client", "framework", "cell", "error")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(3)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head[:3], widths)) + "  error"]
    lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 5)
    for r in rows:
        lines.append("  ".join(v.ljust(w) for v, w in zip(r[:3], widths)) + "  " + r[3])
    return "\n".join(lines)


def failure_table(result: BatchResult, limit: int | None = SHOWN_PROBLEMS) -> str:
    """The problems as a plain-text table (client, framework, cell, error), at most ``limit`` rows.

    When rows are left out, a last line counts them.
    """
    rows = problem_rows(result)
    if not rows:
        return ""
    if limit is None or len(rows) <= limit:
        return _table(rows)
    return _table(rows[:limit]) + f"\n... and {len(rows) - limit} more problem(s), {len(rows)} in all."


def problems_text(result: BatchResult) -> str:
    """Every problem, as a plain-text table with a count (for the file written on request)."""
    rows = problem_rows(result)
    return f"{len(rows)} problem(s)\n" + (_table(rows) + "\n" if rows else "")


def describe(result: BatchResult) -> str:
    """A short account of what the batch did (for an interrupted batch, one line on what is done)."""
    if result.interrupted:
        return describe_interruption(result)
    ran = len(result.executed())
    skipped = sum(1 for o in result.outcomes if o.skipped)
    text = (f"{len(result.clients)} client(s): {ran} notebook(s) run, {skipped} up to date, "
            f"{len(result.failures)} failed; HTML in {result.html_seconds:.1f} s")
    if result.pdfs or result.pdf_seconds:
        text += f", {result.pdfs} PDF(s) in {result.pdf_seconds:.1f} s"
    return text + "."


def _names(slugs: list[str], limit: int = 5) -> str:
    shown = ", ".join(slugs[:limit])
    return shown + (f" and {len(slugs) - limit} more" if len(slugs) > limit else "")


def describe_interruption(result: BatchResult) -> str:
    """One plain line: which clients' reports and PDFs were finished before the interruption, which not."""
    left = [s for s in result.clients if s not in result.finished]
    text = f"Interrupted: reports of {len(result.finished)} of {len(result.clients)} client(s) finished"
    if left:
        text += f" (not finished: {_names(left)})"
    if result.pdf_planned:
        not_printed = [s for s in result.pdf_planned if s not in result.pdf_done]
        text += f"; {len(result.pdf_done)} of {len(result.pdf_planned)} PDF(s) printed"
        if not_printed:
            text += f" (not printed: {_names(not_printed)})"
    return text + "; run the same command again to do the rest."
