"""The preview's quick path (scripts/preview/page_update.py): a saved page is shown before
the full rebuild, and nothing on screen is ever other than what a full build writes.

One server for the module, on a copy of the site with two articles (titled by their first
heading, as the sidebar shows them), set to take the quick path from the first page
(GUIDE_PREVIEW_EARLY_RELOAD_FROM=1; the real threshold is a big site). The full rebuild that
follows each quick update compares its output with what is on screen and logs a line when
they differ: every test here checks that it never had to.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from checks.addresses import record_published
from conftest import SITE_SOURCES, build_or_fail
from live_preview import Preview, copy_project, fetch, running_preview
from render.page_security import inline_script_hashes

RELOAD_TIMEOUT = 30_000  # ms
IDLE_SECONDS = 60.0
SHOWN_ALONE = "Shown before the full rebuild"
DIFFERS = "The full rebuild differs from the pages shown before it"
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
REVIEWED = "---\nlast_reviewed: 2026-11-21\nnext_review: 2027-11-21\n---\n\n"
ARTICLES = {
    "articles/first.md": "# Eating well\n\nSmall meals help.\n\n## Salt\n\nLess salt.\n",
    "articles/second.md": "# Sleeping well\n\nRest after the infusion.\n",
}
PAGES = ("", "about/", "glossary/", "articles/first/", "articles/second/", "print/")


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    project = copy_project(tmp_path_factory.mktemp("page-update") / "project")
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "  - Glossary: glossary.md\n", "  - Articles: articles/\n  - Glossary: glossary.md\n"
        ),
        encoding="utf-8",
    )
    for path, text in ARTICLES.items():
        (project / "docs" / path).parent.mkdir(exist_ok=True)
        (project / "docs" / path).write_text(REVIEWED + text, encoding="utf-8")
    record_published(config, project / "docs")  # as after the last `make build`: no warning
    with running_preview(project, {"GUIDE_PREVIEW_EARLY_RELOAD_FROM": "1"}) as server:
        until_idle(server)
        yield server


def until_idle(preview: Preview) -> str:
    """Until every rebuild has been checked (one 'Preview: ...' line each); the log."""
    deadline = time.monotonic() + IDLE_SECONDS
    while time.monotonic() < deadline:
        log = preview.log.read_text(encoding="utf-8", errors="replace")
        if log.count("Building documentation...") == log.count("Preview: "):
            return log
        time.sleep(0.2)
    pytest.fail(f"the preview did not finish its rebuild:\n{log}")


def settled(preview: Preview, change: Callable[[], object]) -> None:
    """Make the change, and wait until the preview has rebuilt and checked it (so that the
    next test does not save during that rebuild)."""
    started = preview.log.read_text(encoding="utf-8").count("Building documentation...")
    change()
    deadline = time.monotonic() + IDLE_SECONDS
    while preview.log.read_text(encoding="utf-8").count("Building documentation...") == started:
        assert time.monotonic() < deadline, "the preview did not rebuild"
        time.sleep(0.1)
    until_idle(preview)


def missed_something(log: str) -> bool:
    """Whether the full rebuild warned that it differs from the pages shown alone (when a
    file was saved again during the rebuild, it says so as information only)."""
    return any(DIFFERS in line and "WARNING" in line for line in log.splitlines())


def shown_alone(preview: Preview) -> int:
    return preview.log.read_text(encoding="utf-8", errors="replace").count(SHOWN_ALONE)


def open_page(page: Page, url: str) -> None:
    page.goto(url, timeout=RELOAD_TIMEOUT)
    expect(page.locator("h1").first).to_be_visible()


def served_as_built(served: str) -> str:
    """A served page without what the preview adds: its reload script and that script's
    hash in the policy."""
    (reload,) = [script for script in INLINE_SCRIPT.findall(served) if "livereload(" in script]
    bare = served.replace(f"<script>{reload}</script>", "", 1)
    (added,) = inline_script_hashes(served, bare)
    return bare.replace(f" {added}", "", 1)


def assert_as_a_full_build(preview: Preview, tmp_path: Path) -> None:
    """Every page the preview serves now is the page a full build of the same files writes."""
    log = until_idle(preview)
    assert not missed_something(log)
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in SITE_SOURCES:
        source = preview.project / name
        if source.is_dir():
            shutil.copytree(source, copy / name)
        else:
            shutil.copy2(source, copy / name)
    site = tmp_path / "site"
    build_or_fail(copy, site, env={"SITE_URL": preview.url})
    for address in PAGES:
        status, served = fetch(preview.url_of(address))
        assert status == 200, address
        built = (site / address / "index.html").read_text(encoding="utf-8")
        assert served_as_built(served) == built, address


def test_a_saved_page_is_shown_before_the_full_rebuild_as_a_full_build_writes_it(
    preview: Preview, page: Page, tmp_path: Path
) -> None:
    open_page(page, preview.url_of("articles/first/"))
    before = shown_alone(preview)
    edited = "Small meals help most days."
    preview.edit("docs/articles/first.md", "Small meals help.", edited)
    try:
        expect(page.get_by_text(edited)).to_be_visible(timeout=RELOAD_TIMEOUT)
        assert shown_alone(preview) == before + 1
        assert_as_a_full_build(preview, tmp_path)
    finally:
        settled(
            preview, lambda: preview.edit("docs/articles/first.md", edited, "Small meals help.")
        )


def test_a_new_title_reaches_the_other_pages_sidebar(
    preview: Preview, page: Page, tmp_path: Path
) -> None:
    open_page(page, preview.url_of("articles/second/"))
    sidebar = page.locator("nav.md-nav--primary")
    expect(sidebar).to_contain_text("Eating well")
    before = shown_alone(preview)
    edited = "# Eating and drinking well"
    preview.edit("docs/articles/first.md", "# Eating well", edited)
    try:
        expect(sidebar).to_contain_text("Eating and drinking well", timeout=RELOAD_TIMEOUT)
        assert shown_alone(preview) == before  # the full rebuild alone
        assert_as_a_full_build(preview, tmp_path)
    finally:
        settled(preview, lambda: preview.edit("docs/articles/first.md", edited, "# Eating well"))


def test_a_stage_page_saved_shows_in_the_print_page(preview: Preview, page: Page) -> None:
    old = "This stage aims to clear immune complexes"
    new = f"Saved for the print page. {old}"
    open_page(page, preview.url_of("print/"))
    before = shown_alone(preview)
    preview.edit("docs/stages/clearance.md", old, new)
    try:
        expect(page.get_by_text("Saved for the print page.")).to_be_visible(timeout=RELOAD_TIMEOUT)
        assert shown_alone(preview) == before
        assert not missed_something(until_idle(preview))
    finally:
        settled(preview, lambda: preview.edit("docs/stages/clearance.md", new, old))


def test_a_renamed_page_moves_and_its_old_address_goes(preview: Preview, page: Page) -> None:
    old = preview.project / "docs" / "articles" / "second.md"
    new = old.with_name("resting.md")
    open_page(page, preview.url_of("articles/first/"))
    old.rename(new)
    try:
        expect(page.locator("nav.md-nav--primary a[href$='resting/']")).to_have_count(
            1, timeout=RELOAD_TIMEOUT
        )
        log = until_idle(preview)
        assert not missed_something(log)
        assert fetch(preview.url_of("articles/second/"))[0] == 404
        status, served = fetch(preview.url_of("articles/resting/"))
        assert status == 200 and "Rest after the infusion." in served
    finally:
        settled(preview, lambda: new.rename(old))
    old_text, new_text = "Rest after the infusion.", "Rest after the infusion, then walk."
    preview.edit("docs/articles/second.md", old_text, new_text)
    try:
        # Saved after its return, it is shown alone again: the snapshot knows it.
        open_page(page, preview.url_of("articles/second/"))
        expect(page.get_by_text(new_text)).to_be_visible(timeout=RELOAD_TIMEOUT)
        assert not missed_something(until_idle(preview))
    finally:
        settled(preview, lambda: preview.edit("docs/articles/second.md", new_text, old_text))
