"""The plan of a batch: per client, which pages are current, which must run, and its manifest.

:func:`plan_client` reads one client's manifest and inputs and says which
framework pages must run (:class:`ClientPlan`); :meth:`ClientPlan.summary_job`
says whether the executive summary must run once the pages are done, and
:meth:`ClientPlan.finish` writes the client's manifest.  Everything here reads
or writes one client's files only, so the runner can isolate a failure to
that client.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .. import __version__, registry
from .jobs import DEFAULT_TIMEOUT, SUMMARY, SUMMARY_NOTEBOOK, SUMMARY_TITLE, Job, Outcome
from .manifest import REPORT, Manifest, PageEntry, fingerprint, load_manifest, outputs_exist, write_manifest


@dataclass(frozen=True)
class Settings:
    """What the whole batch was asked to do."""

    data_dir: Path
    reports_dir: Path
    frameworks: tuple[str, ...] | None = None  # None: every registered framework
    force: bool = False
    timeout: float = DEFAULT_TIMEOUT
    pdf: bool = True
    portfolio: bool = True


@dataclass
class ClientPlan:
    """One client in a batch: its manifest as read, the pages still running and what became of each."""

    slug: str
    client_dir: Path
    out_dir: Path
    manifest: Manifest
    have: tuple[str, ...]  # frameworks the client has inputs for, in report order
    waiting: set[str] = field(default_factory=set)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    finished: bool = False
    fresh: bool = False  # something was rebuilt (the portfolio must follow)

    def pages(self) -> dict[str, PageEntry]:
        """The manifest's pages with this batch's outcomes recorded."""
        pages = dict(self.manifest.pages)
        for name, o in self.outcomes.items():
            if name != SUMMARY and not o.skipped:
                pages[name] = PageEntry.of(o)
        return pages

    def summary_job(self, settings: Settings) -> tuple[Job | None, Outcome | None]:
        """The summary job when it must run, else the outcome saying it is current."""
        pages = self.pages()
        include = tuple((n, registry.get(n).title) for n in self.have
                        if n in pages and pages[n].ok and outputs_exist(self.out_dir, n))
        h = hashlib.sha256()
        for name, _ in include:
            h.update(f"{name}:{pages[name].fingerprint}".encode())
        fp = fingerprint(self.client_dir, SUMMARY, SUMMARY_NOTEBOOK, extra=h.hexdigest())
        previous = self.manifest.summary
        if not settings.force and previous is not None and previous.current(fp) and (self.out_dir / REPORT).is_file():
            return None, Outcome(self.slug, SUMMARY, True, skipped=True, fingerprint=fp)
        return Job(self.slug, SUMMARY, str(SUMMARY_NOTEBOOK), str(settings.data_dir), str(settings.reports_dir), fp,
                   settings.timeout, SUMMARY_TITLE, include, self.have), None

    def finish(self) -> None:
        """Record the outcomes in the client's manifest and write it."""
        manifest = Manifest(self.pages(), self.manifest.summary, self.manifest.pdf, __version__,
                            self.manifest.updated)
        summary = self.outcomes.get(SUMMARY)
        if summary is not None and (not summary.skipped or manifest.summary is None):
            manifest.summary = PageEntry.of(summary)
        if summary is None or not summary.skipped or any(not o.skipped for o in self.outcomes.values()):
            manifest.updated = datetime.now(timezone.utc).isoformat(timespec="seconds")
            self.fresh = True
        self.manifest = manifest
        write_manifest(self.out_dir, manifest)
        self.finished = True

    def save_progress(self) -> None:
        """Record the pages done so far (an interrupted batch): they are not run again on resume."""
        if any(not o.skipped for name, o in self.outcomes.items() if name != SUMMARY):
            self.manifest = Manifest(self.pages(), self.manifest.summary, self.manifest.pdf, __version__,
                                     self.manifest.updated)
            write_manifest(self.out_dir, self.manifest)

    def record_pdf(self, digest: str | None) -> None:
        """Record the digest of the report just printed (``None``: the PDF failed) and write the manifest."""
        self.manifest.pdf = digest
        write_manifest(self.out_dir, self.manifest)


def plan_client(store, slug: str, settings: Settings) -> tuple[ClientPlan, list[Job]]:
    """Read one client's manifest and inputs: the pages that are current, and the jobs for the rest."""
    client_dir = store.client_dir(slug)
    out = settings.reports_dir / slug
    manifest = load_manifest(out)
    plan = ClientPlan(slug, client_dir, out, manifest, tuple(n for n in registry.names() if store.has(slug, n)))
    jobs = []
    for name in plan.have:
        if settings.frameworks is not None and name not in settings.frameworks:
            continue
        fw = registry.get(name)
        fp = fingerprint(client_dir, name, fw.notebook_path)
        entry = manifest.pages.get(name)
        if not settings.force and entry is not None and entry.current(fp) and outputs_exist(out, name):
            plan.outcomes[name] = Outcome(slug, name, True, skipped=True, fingerprint=fp)
        else:
            jobs.append(Job(slug, name, str(fw.notebook_path), str(settings.data_dir), str(settings.reports_dir), fp,
                            settings.timeout, fw.title))
            plan.waiting.add(name)
    return plan, jobs
