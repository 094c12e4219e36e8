"""Jobs, outcomes and the account of a batch: what runs, what happened, how it is told."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import registry

SUMMARY = "summary"
SUMMARY_TITLE = "Executive summary"
SUMMARY_NOTEBOOK = registry.NOTEBOOK_DIR / "executive_summary.ipynb"
PARTS = ".parts"
DEFAULT_TIMEOUT = 300.0


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


@dataclass
class BatchResult:
    """Everything a batch did; ``failures`` drive the exit code."""

    outcomes: list[Outcome] = field(default_factory=list)
    clients: list[str] = field(default_factory=list)
    html_seconds: float = 0.0
    pdf_seconds: float = 0.0
    pdfs: int = 0
    pdf_failures: list[tuple[str, str]] = field(default_factory=list)
    worker_startup: float = 0.0
    portfolio: Path | None = None

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def ok(self) -> bool:
        return not self.failures and not self.pdf_failures

    def executed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.ok and not o.skipped]


def one_line(text: str, limit: int = 160) -> str:
    """The first line of ``text``, shortened."""
    line = (str(text).strip().splitlines() or [""])[0]
    return line if len(line) <= limit else line[: limit - 1] + "\u2026"


def failure_table(result: BatchResult) -> str:
    """The failures as a plain-text table: client, framework, cell, error."""
    rows = [(o.client, o.framework, "" if o.cell is None else str(o.cell), o.error) for o in result.failures]
    rows += [(slug, "pdf", "", err) for slug, err in result.pdf_failures]
    if not rows:
        return ""
    head = ("client", "framework", "cell", "error")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(3)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head[:3], widths)) + "  error"]
    lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 5)
    for r in rows:
        lines.append("  ".join(v.ljust(w) for v, w in zip(r[:3], widths)) + "  " + r[3])
    return "\n".join(lines)


def describe(result: BatchResult) -> str:
    """A short account of what the batch did."""
    ran = len(result.executed())
    skipped = sum(1 for o in result.outcomes if o.skipped)
    text = (f"{len(result.clients)} client(s): {ran} notebook(s) run, {skipped} up to date, "
            f"{len(result.failures)} failed; HTML in {result.html_seconds:.1f} s")
    if result.pdfs or result.pdf_seconds:
        text += f", {result.pdfs} PDF(s) in {result.pdf_seconds:.1f} s"
    return text + "."
