"""Bad command lines: each gets a clear error that repeats the bad value, and leaves the data folder as it was."""
from __future__ import annotations

import sys

import pytest

from workbook import cli

from .test_property import fingerprint

BAD_LINES = [  # (command line, text the error must repeat)
    (["clients", "new", "acme", "--name", "Acme", "--revenue", "inf"], "got inf"),
    (["clients", "new", "acme", "--name", "Acme", "--revenue", "1e400"], "got inf"),
    (["clients", "new", "acme", "--name", "Acme", "--revenue", "nan"], "got nan"),
    (["clients", "new", "acme", "--name", "Acme", "--revenue", "-5"], "got -5"),
    (["clients", "new", "acme", "--name", "Acme", "--revenue", "abc"], "got 'abc'"),
    (["clients", "new", "acme", "--name", "   "], "got '   '"),
    (["clients", "new", "acme", "--name", ""], "got ''"),
    (["clients", "new", "acme", "--name", "x" * 201], "xxxx"),
    (["clients", "new", "-a", "--name", "Acme"], "-a"),
    (["clients", "new", "../etc", "--name", "Acme"], "../etc"),
    (["clients", "new", "a" * 5000, "--name", "Acme"], "aaaa"),
    (["clients", "new", "Acme", "--name", "Acme"], "got 'Acme'"),
    (["clients", "new", "aurora-software", "--name", "Again"], "aurora-software"),
    (["validate", "nobody"], "nobody"),
    (["validate", "-x"], "-x"),
    (["history", "aurora-software", "astrology"], "astrology"),
    (["history", "../x"], "../x"),
    (["restore", "aurora-software", "sales_marketing", "0"], "got 0"),
    (["restore", "aurora-software", "sales_marketing", "99"], "got 99"),
    (["restore", "aurora-software", "sales_marketing", "one"], "got 'one'"),
    (["restore", "aurora-software", "profile", "5"], "got 5"),
    (["restore", "aurora-software", "deal_qualification", "1", "--table", "nothing"], "nothing"),
    (["restore", "aurora-software", "nps", "1", "--table", "responses"], "got 1"),
    (["import", "aurora-software", "nps", "responses", "/does/not/exist.csv"], "/does/not/exist.csv"),
    (["import", "aurora-software", "nps", "answers", "x.csv"], "answers"),
    (["import", "aurora-software", "nps", "responses", "x.csv", "--map", "no-equals-sign"], "no-equals-sign"),
    (["import", "aurora-software", "astrology", "t", "x.csv"], "astrology"),
    (["report", "aurora-software", "-f", "astrology"], "astrology"),
    (["report", "nobody", "--no-pdf"], "nobody"),
    (["batch", "--workers", "0"], "got '0'"),
    (["batch", "--timeout", "-1"], "got '-1'"),
    (["batch", "--clients", "../etc"], "../etc"),
    (["batch", "--frameworks", "astrology"], "astrology"),
    (["frameworks", "--bogus"], "--bogus"),
    (["clients", "list", "--unknown"], "--unknown"),
]


def run_cli(argv, monkeypatch, capsys, data_dir) -> tuple[int, str]:
    monkeypatch.setenv("WORKBOOK_DATA_DIR", str(data_dir))
    monkeypatch.setenv("WORKBOOK_REPORTS_DIR", str(data_dir.parent / "reports"))
    monkeypatch.setattr(sys, "argv", ["workbook", *argv])
    with pytest.raises(SystemExit) as info:
        cli.main()
    out = capsys.readouterr()
    return info.value.code, out.out + out.err


@pytest.mark.parametrize("argv,repeated", BAD_LINES, ids=[" ".join(a)[:50] for a, _ in BAD_LINES])
def test_bad_command_line_is_a_clear_error_and_changes_nothing(argv, repeated, data_dir, monkeypatch, capsys):
    before = fingerprint(data_dir)
    code, out = run_cli(argv, monkeypatch, capsys, data_dir)
    assert code in (1, 2), out
    assert "error" in out.lower() and "Traceback" not in out
    assert repeated in out, out
    assert fingerprint(data_dir) == before


def test_a_million_bad_rows_print_fifty_and_a_count(data_dir, monkeypatch, capsys, tmp_path):
    source = tmp_path / "responses.csv"
    source.write_text("respondent_id,date,segment,score\n" + "".join(f"R{i},2024-01-01,A,11\n" for i in range(300)))
    errors = tmp_path / "all-errors.txt"
    code, out = run_cli(["import", "meridian-bank", "nps", "responses", str(source), "--errors-file", str(errors)],
                        monkeypatch, capsys, data_dir)
    assert code == 2
    assert len(out.splitlines()) <= 55 and "300 problems" in out and "250 more" in out
    assert str(errors) in out
    assert len([line for line in errors.read_text().splitlines() if line.startswith("row ")]) == 300


def test_ragged_rows_are_named_by_row(data_dir, monkeypatch, capsys, tmp_path):
    source = tmp_path / "responses.csv"
    source.write_text("respondent_id,date,segment,score\nR1,2024-01-01,A,9\nR2,2024-01-01,10\nR3,2024-01-01,B,9,x\n")
    code, out = run_cli(["import", "meridian-bank", "nps", "responses", str(source)], monkeypatch, capsys, data_dir)
    assert code == 2
    assert "row 3: got '3 values'" in out and "row 4: got '5 values'" in out and "4 values" in out


def test_validate_finds_a_table_the_analysis_cannot_use(data_dir, monkeypatch, capsys):
    path = data_dir / "clients" / "northwind-tools" / "clv" / "transactions.csv"
    path.write_text("customer_id,date,amount,product\n")
    code, out = run_cli(["validate", "northwind-tools"], monkeypatch, capsys, data_dir)
    assert code == 1 and "clv/transactions.csv" in out and "at least 2 transactions" in out


def test_history_and_restore_cover_tables_and_the_profile(data_dir, monkeypatch, capsys):
    from workbook.frameworks import nps
    from workbook.store import Store

    store = Store(data_dir)
    table = store.load_table("meridian-bank", "nps", "responses")
    store.save_table("meridian-bank", "nps", "responses", table.head(50), nps.validate_responses)
    store.save_profile("meridian-bank", {**store.load_profile("meridian-bank").model_dump(), "notes": "changed"})
    code, out = run_cli(["history", "meridian-bank", "nps"], monkeypatch, capsys, data_dir)
    assert code == 0 and "table responses: 1 earlier version(s)" in out
    code, out = run_cli(["history", "meridian-bank", "profile"], monkeypatch, capsys, data_dir)
    assert code == 0 and "profile: 1 earlier version(s)" in out
    code, out = run_cli(["restore", "meridian-bank", "nps", "1", "--table", "responses"], monkeypatch, capsys, data_dir)
    assert code == 0, out
    assert len(Store(data_dir).load_table("meridian-bank", "nps", "responses")) == len(table)
    code, out = run_cli(["restore", "meridian-bank", "profile", "1"], monkeypatch, capsys, data_dir)
    assert code == 0 and Store(data_dir).load_profile("meridian-bank").notes != "changed"


def test_restore_refuses_an_invalid_snapshot_and_keeps_history_usable(data_dir, monkeypatch, capsys):
    from workbook.frameworks import sales_marketing as sm
    from workbook.store import Store

    client = data_dir / "clients" / "aurora-software"
    current = client / "sales_marketing.json"
    current.write_text(current.read_text().replace('"role": "Sales"', '"role": "Finance"', 1))  # hand-edited, invalid
    code, out = run_cli(["restore", "aurora-software", "sales_marketing", "1"], monkeypatch, capsys, data_dir)
    assert code == 0, out
    snaps = Store(data_dir).history("aurora-software", "sales_marketing")
    for snap in snaps:  # the invalid file was set aside, not put among the snapshots
        Store(data_dir).load_snapshot(snap, sm.Inputs)
    assert list((client / ".history" / "sales_marketing" / "invalid").glob("*.json"))
    code, out = run_cli(["history", "aurora-software", "sales_marketing"], monkeypatch, capsys, data_dir)
    assert code == 0 and "since the previous session" in out
