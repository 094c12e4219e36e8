"""The command line as a consultant uses it."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def run(*args: str, data_dir: Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbook", *args, "--data-dir", str(data_dir)] if args[0] not in ("--help", "frameworks")
                          else [sys.executable, "-m", "workbook", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_help_lists_the_commands(tmp_path):
    out = run("--help", data_dir=tmp_path)
    assert out.returncode == 0
    for command in ("clients", "validate", "history", "report", "demo", "import"):
        assert command in out.stdout


def test_frameworks_lists_the_registry():
    out = subprocess.run([sys.executable, "-m", "workbook", "frameworks"], capture_output=True, text=True)
    assert out.returncode == 0 and "sales_marketing" in out.stdout and "Kotler" in out.stdout


def test_new_client_then_list_and_validate(empty_data):
    out = run("clients", "new", "acme-tools", "--name", "Acme Tools", "--revenue", "3000000", data_dir=empty_data)
    assert out.returncode == 0, out.stderr
    listed = run("clients", "list", data_dir=empty_data)
    assert "acme-tools" in listed.stdout and "Acme Tools" in listed.stdout
    ok = run("validate", "acme-tools", data_dir=empty_data)
    assert ok.returncode == 0 and "no problems" in ok.stdout


def test_bad_slug_is_a_clear_error(empty_data):
    out = run("clients", "new", "../evil", "--name", "Evil", data_dir=empty_data)
    assert out.returncode == 2
    assert "client: got '../evil'" in out.stderr and "lowercase letters" in out.stderr
    assert "Traceback" not in out.stderr


def test_validate_lists_every_problem(data_dir):
    path = data_dir / "clients" / "aurora-software" / "sales_marketing.json"
    doc = json.loads(path.read_text())
    doc["respondents"][0]["answers"][4] = 7
    doc["respondents"][1]["role"] = "Finance"
    path.write_text(json.dumps(doc))
    out = run("validate", "aurora-software", data_dir=data_dir)
    assert out.returncode == 1
    assert "2 problem(s)" in out.stdout
    assert "respondents[0].answers[4]: got 7" in out.stdout
    assert "respondents[1].role: got 'Finance'" in out.stdout


def test_history_says_what_moved_since_the_previous_session(data_dir):
    out = run("history", "aurora-software", "sales_marketing", data_dir=data_dir)
    assert out.returncode == 0
    assert "1 earlier version(s)" in out.stdout
    assert "Team type moved from Undefined to Defined" in out.stdout


def test_unknown_client_and_framework(data_dir):
    out = run("history", "nobody", data_dir=data_dir)
    assert out.returncode == 2 and "no client 'nobody'" in out.stderr and "aurora-software" in out.stderr
    out = run("history", "aurora-software", "astrology", data_dir=data_dir)
    assert out.returncode == 2 and "astrology" in out.stderr and "sales_marketing" in out.stderr


def test_restore_brings_back_an_earlier_version(data_dir):
    out = run("restore", "aurora-software", "sales_marketing", "1", data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    after = run("history", "aurora-software", "sales_marketing", data_dir=data_dir)
    assert "Team type moved from Defined to Undefined" in after.stdout
    bad = run("restore", "aurora-software", "sales_marketing", "9", data_dir=data_dir)
    assert bad.returncode == 2 and "version: got 9" in bad.stderr
