"""The ``workbook`` command line.

Every command reads the same registry and store as the notebooks. Errors in
the user's data print as one clear message (field, value, what is allowed) and
exit with status 2; a validation that finds problems exits with status 1.
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import List, Optional

import typer

from . import registry
from .errors import InvalidInput, WorkbookError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Marketing strategy workbook: client data, framework reports and teaching notebooks.")
clients_app = typer.Typer(no_args_is_help=True, help="List and add clients.")
app.add_typer(clients_app, name="clients")

def _data_dir(value: Optional[str]) -> str:
    from .clients import resolve_data_dir

    return str(resolve_data_dir(value))


DATA_OPT = typer.Option(None, "--data-dir", callback=_data_dir, show_default=False,
                        help="Data folder holding clients/ (default: $WORKBOOK_DATA_DIR, else ./data).")
REPORTS_OPT = typer.Option("reports", "--reports-dir", envvar="WORKBOOK_REPORTS_DIR", help="Where reports go.")


def _store(data_dir: str):
    from .store import Store

    return Store(data_dir)


@app.callback()
def _main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress.")) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


@app.command("frameworks")
def frameworks_cmd() -> None:
    """List the registered frameworks."""
    for fw in registry.REGISTRY:
        typer.echo(f"{fw.name:<20} {fw.title}\n{'':<20} {fw.citation}")


@clients_app.command("list")
def clients_list(data_dir: str = DATA_OPT) -> None:
    """List clients with the frameworks they have data for."""
    store = _store(data_dir)
    slugs = store.list_clients()
    if not slugs:
        typer.echo(f"No clients in {store.clients_dir}. Add one with: workbook clients new <slug> --name '...'")
        return
    for slug in slugs:
        prof = store.load_profile(slug)
        have = [n for n in registry.names() if store.has(slug, n)]
        tag = " (fictional)" if prof.fictional else ""
        typer.echo(f"{slug:<22} {prof.name}{tag}\n{'':<22} {prof.industry or '-'}; frameworks: {', '.join(have) or 'none yet'}")


@clients_app.command("new")
def clients_new(slug: str = typer.Argument(..., help="lowercase letters, digits and hyphens, e.g. acme-tools"),
                name: str = typer.Option(..., help="The client's name as it appears in reports."),
                industry: str = typer.Option("", help="Industry, in a few words."),
                revenue: Optional[float] = typer.Option(None, help="Annual revenue in US dollars."),
                notes: str = typer.Option("", help="Anything worth remembering."),
                data_dir: str = DATA_OPT) -> None:
    """Create a client folder with its profile."""
    store = _store(data_dir)
    store.create_client(slug, {"name": name, "industry": industry, "revenue_usd": revenue, "notes": notes})
    typer.echo(f"Created {store.client_dir(slug)}. Open a framework notebook in JupyterLab and set client = \"{slug}\".")


@app.command("validate")
def validate_cmd(client: str, data_dir: str = DATA_OPT) -> None:
    """List every problem in a client's data (exit 1 when there is any)."""
    store = _store(data_dir)
    problems: list[str] = []
    try:
        store.load_profile(client)
    except InvalidInput as exc:
        problems += [f"profile: {p}" for p in exc.problems]
    for fw in registry.REGISTRY:
        if not store.has(client, fw.name):
            continue
        module = fw.module
        try:
            store.load(client, fw.name, module.Inputs)
        except InvalidInput as exc:
            problems += [f"{fw.name}: {p}" for p in exc.problems]
        except WorkbookError as exc:
            problems.append(f"{fw.name}: {exc}")
        for table, validator in getattr(module, "TABLES", {}).items():
            try:
                store.load_table(client, fw.name, table, validator)
            except InvalidInput as exc:
                problems += [f"{fw.name}/{table}.csv: {p}" for p in exc.problems]
    if problems:
        typer.echo(f"{len(problems)} problem(s) in {client}:")
        for line in problems:
            typer.echo(f"  - {line}")
        raise typer.Exit(1)
    typer.echo(f"{client}: no problems found.")


@app.command("history")
def history_cmd(client: str, framework: Optional[str] = typer.Argument(None), data_dir: str = DATA_OPT) -> None:
    """Show saved versions and what changed since the previous session."""
    from .notebook import changes_since_previous

    store = _store(data_dir)
    store.client_dir(client)
    names = [registry.get(framework).name] if framework else [n for n in registry.names() if store.has(client, n)]
    for name in names:
        snaps = store.history(client, name)
        current = store.saved_meta(client, name)
        typer.echo(f"{name}: {len(snaps)} earlier version(s)")
        for i, snap in enumerate(snaps, 1):
            typer.echo(f"  {i}. saved {snap.saved_at or '?'} (session {snap.session or '?'})")
        if current:
            typer.echo(f"  now: saved {current.get('saved_at', '?')} (session {current.get('session', '?')})")
        lines = changes_since_previous(store, client, name)
        if lines is None:
            typer.echo("  no earlier session to compare with")
        else:
            typer.echo("  since the previous session:")
            for line in lines or ["nothing changed"]:
                typer.echo(f"    - {line}")


@app.command("restore")
def restore_cmd(client: str, framework: str, version: int = typer.Argument(..., help="Number from `workbook history`."),
                data_dir: str = DATA_OPT) -> None:
    """Make an earlier version current again (the current one is kept in the history)."""
    store = _store(data_dir)
    fw = registry.get(framework)
    snaps = store.history(client, framework)
    if not 1 <= version <= len(snaps):
        raise InvalidInput.one("version", version, f"a number from 1 to {len(snaps)}" if snaps else "none: no history yet")
    store.restore(client, framework, fw.module.Inputs, snaps[version - 1])
    typer.echo(f"Restored {framework} of {client} to version {version}.")


@app.command("import")
def import_cmd(client: str, framework: str, table: str, source: Path,
               map_: List[str] = typer.Option([], "--map", help="Rename a column: 'Column in file=expected_name'."),
               data_dir: str = DATA_OPT) -> None:
    """Import a CSV or .xlsx export as a framework table (validated; nothing saved on error)."""
    fw = registry.get(framework)
    tables = getattr(fw.module, "TABLES", {})
    if table not in tables:
        raise InvalidInput.one("table", table, ", ".join(tables) or f"none: {framework} has no tables")
    mapping = {}
    for item in map_:
        if "=" not in item:
            raise InvalidInput.one("--map", item, "'Column in file=expected_name'")
        src, dst = item.split("=", 1)
        mapping[src] = dst
    frame = _store(data_dir).import_table(client, framework, table, source, mapping, tables[table])
    typer.echo(f"Imported {len(frame)} rows into {framework}/{table}.csv for {client}.")


@app.command("report")
def report_cmd(client: str,
               framework: List[str] = typer.Option([], "--framework", "-f", help="Only these frameworks."),
               pdf: bool = typer.Option(True, help="Also print the PDF."),
               data_dir: str = DATA_OPT, reports_dir: str = REPORTS_OPT) -> None:
    """Execute the framework notebooks for one client and write its report (HTML and PDF)."""
    code = _run_batch(data_dir, reports_dir, clients=[client], frameworks=framework or None, workers=1,
                      force=True, pdf=pdf, portfolio=False)
    out = Path(reports_dir) / client
    if code == 0:
        typer.echo(f"Report for {client}: {out / 'report.html'}" + (f"\n  PDF: {out / 'report.pdf'}" if pdf else ""))
    raise typer.Exit(code)


def _names(value: Optional[str]) -> Optional[list[str]]:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def _run_batch(data_dir: str, reports_dir: str, **kw) -> int:
    from .batch import describe, failure_table, run_batch

    result = run_batch(data_dir, reports_dir, **kw)
    typer.echo(describe(result))
    table = failure_table(result)
    if table:
        typer.echo("\nFailures:\n" + table, err=True)
    typer.echo(f"Reports are in {Path(reports_dir).resolve()}/")
    return 0 if result.ok else 1


@app.command("batch")
def batch_cmd(clients: Optional[str] = typer.Option(None, "--clients", help="Comma-separated client slugs (default: all)."),
              frameworks: Optional[str] = typer.Option(None, "--frameworks", help="Comma-separated frameworks (default: all)."),
              workers: Optional[int] = typer.Option(None, "--workers", min=1, help="Local warm workers (default: cores)."),
              scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address, e.g. tcp://host:8786."),
              force: bool = typer.Option(False, "--force", help="Rerun notebooks whose inputs have not changed."),
              pdf: bool = typer.Option(True, help="Also print each client's PDF."),
              timeout: float = typer.Option(300.0, "--timeout", min=1, help="Seconds one notebook may run."),
              data_dir: str = DATA_OPT, reports_dir: str = REPORTS_OPT) -> None:
    """Build every chosen client's report: framework pages, executive summary, combined HTML and PDF."""
    code = _run_batch(data_dir, reports_dir, clients=_names(clients), frameworks=_names(frameworks),
                      workers=workers, scheduler=scheduler, force=force, pdf=pdf, timeout=timeout)
    raise typer.Exit(code)


@app.command("demo")
def demo_cmd(data_dir: str = DATA_OPT, reports_dir: str = REPORTS_OPT,
             pdf: bool = typer.Option(True, help="Also print PDFs.")) -> None:
    """Build the fictional example clients' reports (with the batch runner)."""
    store = _store(data_dir)
    examples = [s for s in store.list_clients() if store.load_profile(s).fictional]
    raise typer.Exit(_run_batch(data_dir, reports_dir, clients=examples, pdf=pdf))


@app.command("lab")
def lab_cmd(client: Optional[str] = typer.Argument(None, help="A client to have chosen on the start page."),
            data_dir: str = DATA_OPT,
            port: int = typer.Option(8888, "--port", min=1, max=65535, help="Port on 127.0.0.1."),
            browser: bool = typer.Option(True, "--browser/--no-browser", help="Open a web browser."),
            notebooks: Optional[Path] = typer.Option(None, "--notebooks", help="Notebook folder (default: the workbook's)."),
            stop_after: Optional[float] = typer.Option(None, "--stop-after", min=1, help="Stop after this many seconds.")
            ) -> None:
    """Open JupyterLab on 127.0.0.1 at the start page (as root too), saving notebooks clean."""
    from .launch import lab
    from .registry import NOTEBOOK_DIR

    raise typer.Exit(lab(Path(data_dir), client, port, browser, notebooks or NOTEBOOK_DIR, stop_after, typer.echo))


@app.command("present")
def present_cmd(client: str = typer.Argument(..., help="The client's folder name."),
                framework: Optional[str] = typer.Argument(None, help="One framework (default: all of them)."),
                data_dir: str = DATA_OPT,
                port: Optional[int] = typer.Option(None, "--port", min=1, max=65535, help="Port (default: a free one)."),
                browser: bool = typer.Option(True, "--browser/--no-browser", help="Open a web browser."),
                stop_after: Optional[float] = typer.Option(None, "--stop-after", min=1,
                                                           help="Stop after this many seconds.")) -> None:
    """Show the client a code-free session screen (Voila on 127.0.0.1 with a token); answers are saved."""
    from .launch import present

    raise typer.Exit(present(client, Path(data_dir), framework, port, browser, stop_after, echo=typer.echo))


def main() -> None:
    """Console entry point: run the app, turning workbook errors into clear messages."""
    try:
        code = app(standalone_mode=False)
    except WorkbookError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except Exception as exc:  # usage errors (missing argument, bad option) from typer's click
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            sys.exit(exc.exit_code)
        raise
    sys.exit(code if isinstance(code, int) else 0)
