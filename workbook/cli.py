"""The ``workbook`` command line.

Every command reads the same registry and store as the notebooks. Errors in
the user's data print as one clear message (field, value, what is allowed) and
exit with status 2; a validation that finds problems exits with status 1. Long
lists of problems show the first :data:`MAX_SHOWN` and a count; ``--errors-file
PATH`` writes every one of them to a file. Usage errors repeat the value given.
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import List, Optional

import typer

from . import registry
from .errors import InvalidInput, WorkbookError
from .survey.cli import survey_app

#: Problems printed one by one before the rest are only counted (a million bad rows must not print a million lines).
MAX_SHOWN = 50
_ERRORS_FILE: dict[str, Optional[str]] = {"path": None}

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Marketing strategy workbook: client data, framework reports and teaching notebooks.")
clients_app = typer.Typer(no_args_is_help=True, help="List and add clients.")
app.add_typer(clients_app, name="clients")
app.add_typer(survey_app, name="survey")

def _data_dir(value: Optional[str]) -> str:
    from .clients import resolve_data_dir

    return str(resolve_data_dir(value))


DATA_OPT = typer.Option(None, "--data-dir", callback=_data_dir, show_default=False,
                        help="Data folder holding clients/ (default: $WORKBOOK_DATA_DIR, else ./data).")
REPORTS_OPT = typer.Option("reports", "--reports-dir", envvar="WORKBOOK_REPORTS_DIR", help="Where reports go.")
ERRORS_OPT = typer.Option(None, "--errors-file", help="Also write every problem found to this file (one per line).")


def _store(data_dir: str):
    from .store import Store

    return Store(data_dir)


@app.callback()
def _main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress."),
          errors_file: Optional[str] = ERRORS_OPT) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    _ERRORS_FILE["path"] = errors_file


def _errors_to(path: Optional[str]) -> None:
    if path:
        _ERRORS_FILE["path"] = path


def show_problems(head: str, lines: list[str], err: bool = False) -> None:
    """Print ``head`` and the first :data:`MAX_SHOWN` of ``lines``; all of them go to ``--errors-file`` if given."""
    path = _ERRORS_FILE["path"]
    if path:
        from .store import atomic_write

        atomic_write(Path(path).expanduser(), "".join(f"{line}\n" for line in [head, *lines]))
    typer.echo(head, err=err)
    for line in lines[:MAX_SHOWN]:
        typer.echo(f"  - {line}", err=err)
    if len(lines) > MAX_SHOWN:
        more = f"  ... and {len(lines) - MAX_SHOWN} more"
        typer.echo(more + (f" (all {len(lines)} are in {path})" if path else
                           f" (add --errors-file PATH to write all {len(lines)} to a file)"), err=err)


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
    typer.echo(f"Created {store.client_dir(slug)}. Start a session with `workbook lab` (or `make lab`) and pick it on the start page.")


@app.command("validate")
def validate_cmd(client: str, data_dir: str = DATA_OPT, errors_file: Optional[str] = ERRORS_OPT) -> None:
    """List every problem in a client's data, including tables the analysis cannot use (exit 1 when there is any)."""
    _errors_to(errors_file)
    store = _store(data_dir)
    problems: list[str] = []
    try:
        store.load_profile(client)
    except InvalidInput as exc:
        problems += [f"profile: {p}" for p in exc.problems]
    for fw in registry.REGISTRY:
        if not store.has(client, fw.name):
            continue
        found = len(problems)
        inputs, tables = None, {}
        try:
            inputs = store.load(client, fw.name, fw.Inputs)
        except InvalidInput as exc:
            problems += [f"{fw.name}: {p}" for p in exc.problems]
        except WorkbookError as exc:
            problems.append(f"{fw.name}: {exc}")
        for table, validator in fw.tables.items():
            try:
                frame = store.load_table(client, fw.name, table, validator)
            except InvalidInput as exc:
                problems += [f"{fw.name}/{table}.csv: {p}" for p in exc.problems]
            else:
                if frame is not None:
                    tables[table] = frame
        if len(problems) == found:  # each piece is valid: check the analysis can use them together
            for name in fw.related:
                try:
                    related = store.load(client, name, registry.get(name).Inputs)
                except WorkbookError:
                    related = None  # reported under its own framework
                if related is not None:
                    tables[name] = related
            try:
                fw.evaluate(inputs if inputs is not None else fw.Inputs(), tables)
            except InvalidInput as exc:
                problems += [f"{fw.name} (analysis): {p}" for p in exc.problems]
            except WorkbookError as exc:
                problems.append(f"{fw.name} (analysis): {exc}")
    if problems:
        show_problems(f"{len(problems)} problem(s) in {client}:", problems)
        raise typer.Exit(1)
    typer.echo(f"{client}: no problems found.")


def _doc_model(name: str):
    from .store import PROFILE, Profile

    return Profile if name == PROFILE else registry.get(name).Inputs


@app.command("history")
def history_cmd(client: str, framework: Optional[str] = typer.Argument(None, help="A framework, or 'profile'."),
                data_dir: str = DATA_OPT) -> None:
    """Show saved versions (documents, tables, the profile) and what changed since the previous session."""
    from .notebook import changes_since_previous
    from .store import PROFILE

    store = _store(data_dir)
    store.client_dir(client)
    if framework == PROFILE:
        names = [PROFILE]
    else:
        names = [registry.get(framework).name] if framework else [n for n in registry.names() if store.has(client, n)]
        if not framework:
            names.append(PROFILE)
    for name in names:
        snaps = store.history(client, name)
        current = store.saved_meta(client, name)
        typer.echo(f"{name}: {len(snaps)} earlier version(s)")
        for i, snap in enumerate(snaps, 1):
            typer.echo(f"  {i}. saved {snap.saved_at or '?'} (session {snap.session or '?'})")
        if current:
            typer.echo(f"  now: saved {current.get('saved_at', '?')} (session {current.get('session', '?')})")
        for table in store.tables_with_history(client, name) if name != PROFILE else []:
            tsnaps = store.history(client, name, table)
            typer.echo(f"  table {table}: {len(tsnaps)} earlier version(s) (restore with --table {table})")
            for i, snap in enumerate(tsnaps, 1):
                typer.echo(f"    {i}. replaced {snap.saved_at or '?'} (by session {snap.session or '?'})")
        if name == PROFILE:
            continue
        lines = changes_since_previous(store, client, name)
        if lines is None:
            typer.echo("  no earlier session to compare with")
        else:
            typer.echo("  since the previous session:")
            for line in lines or ["nothing changed"]:
                typer.echo(f"    - {line}")


@app.command("restore")
def restore_cmd(client: str, framework: str = typer.Argument(..., help="A framework, or 'profile'."),
                version: int = typer.Argument(..., help="Number from `workbook history`."),
                table: Optional[str] = typer.Option(None, "--table", help="Restore this table of the framework."),
                data_dir: str = DATA_OPT) -> None:
    """Make an earlier version current again (validated first; the current one is kept in the history)."""
    store = _store(data_dir)
    model = _doc_model(framework)
    if table is not None:
        tables = registry.get(framework).tables
        if table not in tables:
            raise InvalidInput.one("--table", table, ", ".join(tables) or f"none: {framework} has no tables")
    snaps = store.history(client, framework, table)
    if not 1 <= version <= len(snaps):
        raise InvalidInput.one("version", version, f"a number from 1 to {len(snaps)}" if snaps else "none: no history yet")
    if table is None:
        store.restore(client, framework, model, snaps[version - 1])
        typer.echo(f"Restored {framework} of {client} to version {version}.")
    else:
        store.restore_table(client, framework, snaps[version - 1], tables[table])
        typer.echo(f"Restored {framework}/{table}.csv of {client} to version {version}.")


@app.command("import")
def import_cmd(client: str, framework: str, table: str, source: Path,
               map_: List[str] = typer.Option([], "--map", help="Rename a column: 'Column in file=expected_name'."),
               data_dir: str = DATA_OPT, errors_file: Optional[str] = ERRORS_OPT) -> None:
    """Import a CSV or .xlsx export as a framework table (validated; nothing saved on error)."""
    _errors_to(errors_file)
    fw = registry.get(framework)
    tables = fw.tables
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
    from .batch import SHOWN_PROBLEMS, describe, failure_table, problem_rows, run_batch

    result = run_batch(data_dir, reports_dir, **kw)
    if result.interrupted:  # one plain line: what is done, what is not
        typer.echo(describe(result), err=True)
        return result.exit_code
    typer.echo(describe(result))
    table = failure_table(result)
    if table:
        typer.echo("\nFailures:\n" + table, err=True)
        count, path = len(problem_rows(result)), kw.get("errors_file")
        if count > SHOWN_PROBLEMS:
            typer.echo(f"(all {count} are in {path})" if path else
                       f"(add --errors-file PATH to write all {count} to a file)", err=True)
    typer.echo(f"Reports are in {Path(reports_dir).resolve()}/")
    return result.exit_code


@app.command("batch")
def batch_cmd(clients: Optional[str] = typer.Option(None, "--clients", help="Comma-separated client slugs (default: all)."),
              frameworks: Optional[str] = typer.Option(None, "--frameworks", help="Comma-separated frameworks (default: all)."),
              workers: Optional[int] = typer.Option(None, "--workers", min=1, help="Local warm workers (default: cores)."),
              scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address, e.g. tcp://host:8786."),
              force: bool = typer.Option(False, "--force", help="Rerun notebooks whose inputs have not changed."),
              pdf: bool = typer.Option(True, help="Also print each client's PDF."),
              timeout: float = typer.Option(300.0, "--timeout", min=1, help="Seconds one notebook may run."),
              errors_file: Optional[str] = ERRORS_OPT,
              data_dir: str = DATA_OPT, reports_dir: str = REPORTS_OPT) -> None:
    """Build every chosen client's report: framework pages, executive summary, combined HTML and PDF."""
    code = _run_batch(data_dir, reports_dir, clients=_names(clients), frameworks=_names(frameworks),
                      workers=workers, scheduler=scheduler, force=force, pdf=pdf, timeout=timeout,
                      errors_file=errors_file or _ERRORS_FILE["path"])
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
    click = _click_exceptions()
    try:
        code = app(standalone_mode=False)
    except InvalidInput as exc:
        head = f"error: {exc.context}: " if exc.context else "error: "
        lines = [str(p) for p in exc.problems]
        if len(lines) == 1:
            typer.echo(head + lines[0], err=True)
            _write_errors(head + lines[0])
        else:
            show_problems(f"{head}{len(lines)} problems", lines, err=True)
        sys.exit(2)
    except WorkbookError as exc:
        typer.echo(f"error: {exc}", err=True)
        _write_errors(f"error: {exc}")
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:  # usage errors (missing argument, bad option) from typer's click
        _explain_usage(exc, sys.argv[1:])
        exc.show()
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


def _click_exceptions():
    """The exception classes of the click that typer uses (recent typer ships its own copy)."""
    try:
        from typer._click import exceptions
    except ImportError:  # older typer: the click package itself
        from click import exceptions
    return exceptions


def _write_errors(text: str) -> None:
    if _ERRORS_FILE["path"]:
        from .store import atomic_write

        atomic_write(Path(_ERRORS_FILE["path"]).expanduser(), text + "\n")


def _explain_usage(exc: Exception, argv: list[str]) -> None:
    """Add the value given to a usage error, and explain values that look like options (``-a``)."""
    from .store import SLUG_ALLOWED

    click = _click_exceptions()

    if isinstance(exc, click.NoSuchOption):
        exc.message = (f"{exc.message} ('{exc.option_name}' is not an option here. A client slug never starts with "
                       f"a hyphen (allowed: {SLUG_ALLOWED}); to pass any other value that starts with '-', "
                       "put '--' before it.)")
        return
    if isinstance(exc, click.BadParameter) and exc.param is not None and exc.ctx is not None:
        raw = _raw_value(exc.ctx, exc.param, argv)
        if raw is not None:
            exc.message = f"got {raw!r}: {exc.message}"


def _raw_value(ctx, param, argv: list[str]) -> Optional[str]:
    """The text the user typed for ``param`` of the command ``ctx`` runs, if it can be found."""
    path = ctx.command_path.split()[1:]  # sub-command names after the program name
    rest = list(argv)
    for name in path:
        if name in rest:
            rest = rest[rest.index(name) + 1:]
    try:
        parser = ctx.command.make_parser(ctx)
        opts, _, _ = parser.parse_args(rest)
    except Exception:  # the arguments do not parse at all: leave the message as it is
        return None
    value = opts.get(param.name)
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else None
    return None if value is None else str(value)
