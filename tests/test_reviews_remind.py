"""Reviews remind, they don't block: an overdue page is published with a notice readers see,
and `make build` says so as a warning."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import build_site
from conftest import copy_site_sources

NOTICE = re.compile(r'<div class="admonition warning review-notice" role="note">(.*?)</div>', re.S)


def overdue(page: Path, last: str, due: str) -> None:
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"last_reviewed: \S+", f"last_reviewed: {last}", text, count=1)
    page.write_text(re.sub(r"next_review: \S+", f"next_review: {due}", text, count=1))


def notice_of(site: Path, address: str) -> str | None:
    found = NOTICE.search((site / address / "index.html").read_text(encoding="utf-8"))
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split()) if found else None


def test_an_overdue_page_is_published_with_its_notice_and_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_site_sources(tmp_path / "project")
    docs = project / "docs"
    overdue(docs / "stages/tolerance.md", "2025-02-10", "2026-01-01")
    overdue(docs / "about.md", "2025-07-01", "2026-06-30")
    # The build's date (MkDocs' build_date_utc) decides what is overdue on the page.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1785000000")  # 2026-07-25
    assert build_site.main(["--root", str(project)]) == 0
    output = capsys.readouterr().out
    assert (
        "docs/stages/tolerance.md:5: warning: review is overdue: 'next_review' was 2026-01-01"
    ) in output
    assert "docs/about.md:4: warning: review is overdue: 'next_review' was 2026-06-30" in output
    assert "build: published site/" in output
    site = project / "site"
    assert notice_of(site, "stages/tolerance") == (
        "This page's review was due on 1 January 2026; it is being reviewed. If anything here "
        "worries you, ask your kidney care team."
    )
    assert notice_of(site, "about") is not None
    assert "due on 30 June 2026" in (notice_of(site, "about") or "")
    # Pages whose review is not due have no notice.
    for address in ("stages/clearance", "glossary", "print"):
        assert notice_of(site, address) is None, address


def test_a_review_due_after_the_build_date_has_no_notice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_site_sources(tmp_path / "project")
    overdue(project / "docs/stages/blockage.md", "2025-08-01", "2026-07-26")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1785000000")  # 2026-07-25, the day before
    assert build_site.main(["--root", str(project)]) == 0
    assert notice_of(project / "site", "stages/blockage") is None
