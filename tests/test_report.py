"""Client reports: content, no code, escaping, PDF."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from workbook.frameworks import sales_marketing as sm
from workbook.batch import run_batch
from workbook.store import Store

EVIL = "<script>alert(1)</script>"


@pytest.fixture()
def evil_client(data_dir):
    store = Store(data_dir)
    store.create_client("evil-co", {"name": EVIL, "industry": "<b>bold</b> & co", "notes": EVIL})
    doc = sm.Inputs(respondents=[sm.Respondent(name=EVIL, role="Sales", answers=[2] * 20),
                                 sm.Respondent(name="Mo <i>", role="Marketing", answers=[3] * 20)])
    store.save("evil-co", "sales_marketing", sm.Inputs, doc)
    return data_dir


def test_report_escapes_client_text_and_hides_code(evil_client, tmp_path):
    pdf = shutil.which("chromium") is not None
    result = run_batch(evil_client, tmp_path / "reports", clients=["evil-co"], frameworks=["sales_marketing"],
                       workers=1, pdf=pdf, portfolio=False, progress=False)
    assert result.ok
    out = tmp_path / "reports" / "evil-co"
    html = (out / "report.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert EVIL not in html and "<b>bold</b>" not in html
    assert "Defined" in html                      # team average 50
    assert "Kotler" in html                       # the source is cited
    for leak in ("Traceback", "open_room", "room.section", "import ", "widget-view", "lesson.check"):
        assert leak not in html, leak
    headline = json.loads((out / "sales_marketing.headline.json").read_text())
    assert headline["metrics"]["relationship_type"] == "Defined"
    if pdf:
        assert (out / "report.pdf").read_bytes()[:4] == b"%PDF"
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", str(out / "report.pdf"), "-"], capture_output=True, text=True).stdout
            assert EVIL in text and "Defined" in text


def test_report_shows_changes_since_previous_session(data_dir, tmp_path):
    out = subprocess.run([sys.executable, "-m", "workbook", "report", "aurora-software", "--no-pdf",
                          "--data-dir", str(data_dir), "--reports-dir", str(tmp_path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    html = (tmp_path / "aurora-software" / "report.html").read_text()
    assert "Aurora Software" in html and "Since the previous session" in html
    assert "Team type moved from Undefined to Defined" in html
    assert (tmp_path / "aurora-software" / "sales_marketing.headline.json").exists()
