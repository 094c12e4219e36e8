"""``workbook survey ...``: make, list and revoke personal survey links, and run the survey web app."""
from __future__ import annotations

import logging
import os
import threading
from typing import List, Optional

import typer

from ..errors import InvalidInput
from ..store import Store
from .links import DEFAULT_EXPIRY, create_links, load_links, now, parse_expiry, questionnaire_for, revoke_links

log = logging.getLogger("workbook.survey")

survey_app = typer.Typer(no_args_is_help=True, help="Personal survey links that respondents answer on their own devices.")
DATA_OPT = typer.Option("data", "--data-dir", envvar="WORKBOOK_DATA_DIR", help="Data folder holding clients/.")
DEFAULT_PORT = 8765
BASE_URL_OPT = typer.Option(None, "--base-url", envvar="WORKBOOK_SURVEY_URL",
                            help="Public address of the survey app, e.g. https://survey.example.com "
                                 f"(default http://127.0.0.1:{DEFAULT_PORT}).")


def _base(base_url: Optional[str]) -> str:
    return (base_url or f"http://127.0.0.1:{DEFAULT_PORT}").rstrip("/")


@survey_app.command("create")
def create_cmd(client: str = typer.Argument(..., help="Client slug."),
               framework: str = typer.Argument(..., help="A framework with a questionnaire, e.g. sales_marketing."),
               respondent: List[str] = typer.Option([], "--respondent", "-r", help="A respondent's name (repeat for more)."),
               role: List[str] = typer.Option([], "--role", help="Role of each --respondent, in the same order (e.g. Sales)."),
               count: int = typer.Option(0, "--count", help="Make N anonymous links instead (e.g. for an NPS survey)."),
               expires: str = typer.Option(f"{DEFAULT_EXPIRY.days}d", "--expires", help="How long links stay open: 14d, 36h or 7."),
               base_url: Optional[str] = BASE_URL_OPT, data_dir: str = DATA_OPT) -> None:
    """Make one personal link per respondent (or --count anonymous links) and print each link."""
    if len(role) == 1:
        roles = role * len(respondent)
    elif len(role) in (0, len(respondent)):
        roles = list(role) or [None] * len(respondent)
    else:
        raise InvalidInput.one("role", f"{len(role)} roles for {len(respondent)} respondents",
                               "one --role per --respondent, or a single --role for all")
    made = create_links(Store(data_dir), client, framework, list(zip(respondent, roles)), count, parse_expiry(expires))
    base = _base(base_url)
    until = made[0].link.expires_at.strftime("%Y-%m-%d %H:%M UTC")
    typer.echo(f"{len(made)} link(s) for {client} / {framework}, open until {until}. Each link is shown only now:")
    for m in made:
        who = m.link.respondent or "anonymous"
        typer.echo(f"{who}{f' ({m.link.role})' if m.link.role else ''}  [{m.link.id}]\n  {m.url(base)}")


@survey_app.command("list")
def list_cmd(client: str = typer.Argument(..., help="Client slug."),
             framework: Optional[str] = typer.Option(None, "--framework", "-f", help="Only this framework."),
             data_dir: str = DATA_OPT) -> None:
    """Show the client's links: who has answered, how far, and which links are still open."""
    book = load_links(Store(data_dir), client)
    links = [x for x in book.links if framework is None or x.framework == framework]
    if not links:
        typer.echo(f"No survey links for {client}. Make some with: workbook survey create {client} <framework> ...")
        return
    at = now()
    typer.echo(f"{'link':<13}{'framework':<19}{'respondent':<26}{'answered':<10}{'status':<10}last saved")
    for x in sorted(links, key=lambda x: (x.framework, x.created_at)):
        total = len(questionnaire_for(x.framework).questions)
        who = (x.respondent or "anonymous") + (f" ({x.role})" if x.role else "")
        status = "finished" if x.finished_at and x.state(at) == "open" else x.state(at)
        saved = x.last_saved_at.strftime("%Y-%m-%d %H:%M") if x.last_saved_at else "not yet"
        typer.echo(f"{x.id:<13}{x.framework:<19}{who[:25]:<26}{f'{len(x.answered)}/{total}':<10}{status:<10}{saved}")
    done = sum(1 for x in links if x.finished_at)
    typer.echo(f"{done} of {len(links)} respondent(s) finished.")


@survey_app.command("revoke")
def revoke_cmd(client: str = typer.Argument(..., help="Client slug."),
               link: List[str] = typer.Option([], "--link", "-l", help="A link id from 'workbook survey list' (repeatable)."),
               respondent: Optional[str] = typer.Option(None, "--respondent", "-r", help="Revoke this respondent's links."),
               framework: Optional[str] = typer.Option(None, "--framework", "-f", help="Only links of this framework."),
               everything: bool = typer.Option(False, "--all", help="Revoke every open link of the client."),
               data_dir: str = DATA_OPT) -> None:
    """Withdraw links: they open nothing from now on (answers already given are kept)."""
    done = revoke_links(Store(data_dir), client, list(link), respondent, framework, everything)
    for x in done:
        typer.echo(f"revoked {x.id} ({x.framework}, {x.respondent or 'anonymous'})")


@survey_app.command("serve")
def serve_cmd(host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (keep 127.0.0.1 behind a proxy)."),
              port: int = typer.Option(DEFAULT_PORT, "--port", min=0, max=65535, help="Port to listen on."),
              base_url: Optional[str] = BASE_URL_OPT,
              forwarded_allow_ips: str = typer.Option("127.0.0.1", "--forwarded-allow-ips",
                                                      help="Proxies whose X-Forwarded-For/-Proto headers are trusted."),
              stop_after: Optional[float] = typer.Option(None, "--stop-after", min=1,
                                                         help="Stop by itself after this many seconds (tests, demos)."),
              workers: int = typer.Option(1, "--workers", min=1, max=16,
                                          help="Server processes answering requests (e.g. one per core). Each "
                                               "keeps its own rate-limit counts."),
              data_dir: str = DATA_OPT) -> None:
    """Run the survey web app (stop with Ctrl-C)."""
    import secrets
    import signal

    import uvicorn

    from .app import Settings

    logging.getLogger("workbook.survey").setLevel(logging.INFO)
    if host not in ("127.0.0.1", "::1", "localhost"):
        log.warning("listening on %s: anyone who can reach it can try links; put it behind an HTTPS proxy", host)
    os.environ.update(Settings(os.fspath(data_dir), base_url, csrf_key=secrets.token_bytes(32)).to_env())
    options = dict(host=host, port=port, proxy_headers=True, forwarded_allow_ips=forwarded_allow_ips, factory=True,
                   access_log=False, server_header=False, log_level="info", timeout_keep_alive=5)
    typer.echo(f"Survey app on http://{host}:{port} (links point to {_base(base_url)}, {workers} worker process"
               f"{'es' if workers > 1 else ''}); Ctrl-C stops it.")
    if stop_after:
        timer = threading.Timer(stop_after, lambda: os.kill(os.getpid(), signal.SIGINT))
        timer.daemon = True
        timer.start()
    if workers == 1:
        uvicorn.Server(uvicorn.Config("workbook.survey.app:app_from_env", **options)).run()
    else:
        uvicorn.run("workbook.survey.app:app_from_env", workers=workers, **options)
