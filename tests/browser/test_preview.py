"""The editor's preview in a real browser: under `make serve`, the open page reloads by
itself after a save (a page, a template, stages.yml) with the page's Content-Security-Policy
in force; problems are shown at the top of every page, in the validator's words, and never
stop or hang the server; fixing them clears the banner.

One server for the whole module, on a copy of the site. It starts with a broken link
already in place: the preview must start anyway. Each test puts back what it changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from live_preview import Preview, copy_project, fetch, running_preview
from render.page_security import inline_script_hashes

# A save is picked up within about a second; a busy test machine may take far longer.
RELOAD_TIMEOUT = 30_000  # ms
BROKEN_LINK = "[the stage before](blokage.md)"
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
BANNER = "section.admonition[aria-label='Problems to fix']"


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    project = copy_project(tmp_path_factory.mktemp("preview") / "project")
    page = project / "docs" / "stages" / "tolerance.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\n{BROKEN_LINK}\n", encoding="utf-8")
    with running_preview(project) as server:
        yield server


class Watched:
    """An open page, with what its console said (CSP refusals are console errors)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[ConsoleMessage] = []
        # A lambda: Playwright cannot wrap a builtin method as a listener.
        page.on("console", lambda message: self.console.append(message))  # noqa: PLW0108

    def open(self, url: str) -> None:
        # While a rebuild runs, MkDocs' server holds requests until it is done.
        self.page.goto(url, timeout=RELOAD_TIMEOUT)
        expect(self.page.locator("h1").first).to_be_visible()
        # Set on this document only: gone once the browser has reloaded the page.
        self.page.evaluate("window.notReloaded = true")

    def reloaded(self) -> bool:
        return bool(self.page.evaluate("window.notReloaded === undefined"))

    def refused_by_policy(self) -> list[str]:
        return [m.text for m in self.console if "Content Security Policy" in m.text]

    def live_reload_enabled(self) -> bool:
        return any(m.text == "Enabled live reload" for m in self.console)


@pytest.fixture
def watched(page: Page) -> Watched:
    return Watched(page)


def banner_lines(page: Page) -> list[str]:
    return page.locator(f"{BANNER} li").all_inner_texts()


def test_starts_with_a_problem_shows_it_on_every_page_and_fixing_clears_it(
    preview: Preview, watched: Watched
) -> None:
    expected = preview.validate_lines()
    assert len(expected) == 1 and "blokage.md" in expected[0]  # what `make validate` prints
    for path in ("stages/tolerance/", "glossary/"):
        watched.open(preview.url_of(path))
        expect(watched.page.locator(BANNER)).to_be_visible()
        assert banner_lines(watched.page) == expected
        # The rest of the page is there, below the banner.
        article = watched.page.locator("article")
        expect(article.locator("h1")).to_be_visible()
        assert article.locator(f"{BANNER} ~ *").count() > 2
    watched.open(preview.url_of("stages/tolerance/"))
    preview.edit("docs/stages/tolerance.md", BROKEN_LINK, "[the stage before](blockage.md)")
    expect(watched.page.locator(BANNER)).to_have_count(0, timeout=RELOAD_TIMEOUT)
    assert watched.reloaded()
    assert preview.validate_lines() == []


def test_saving_a_page_reloads_it_with_the_policy_in_force(
    preview: Preview, watched: Watched
) -> None:
    watched.open(preview.url_of("about/"))
    added = "This sentence was saved while the page was open."
    preview.edit(
        "docs/about.md", "# About this information\n", f"# About this information\n\n{added}\n"
    )
    try:
        expect(watched.page.get_by_text(added)).to_be_visible(timeout=RELOAD_TIMEOUT)
        assert watched.reloaded()
        assert watched.live_reload_enabled()
        assert watched.refused_by_policy() == []
    finally:
        preview.edit("docs/about.md", f"\n{added}\n", "")


def test_saving_a_template_in_overrides_reloads_the_page(
    preview: Preview, watched: Watched
) -> None:
    watched.open(preview.url_of("glossary/"))
    old = "This guide does not replace your kidney care team."
    new = "This guide never replaces your kidney care team."
    preview.edit("overrides/partials/care-team-note.html", old, new)
    try:
        expect(watched.page.get_by_text(new)).to_be_visible(timeout=RELOAD_TIMEOUT)
        assert watched.reloaded()
    finally:
        preview.edit("overrides/partials/care-team-note.html", new, old)


def test_saving_stages_yml_reloads_the_page(preview: Preview, watched: Watched) -> None:
    watched.open(preview.url_of("stages/tolerance/"))
    heading = watched.page.locator("article h1 .stage-heading__title")
    expect(heading).to_have_text("Immune tolerance")
    preview.edit("docs/_data/stages.yml", "title: Immune tolerance", "title: Accepting the kidney")
    try:
        expect(heading).to_have_text("Accepting the kidney", timeout=RELOAD_TIMEOUT)
        assert watched.reloaded()
    finally:
        preview.edit(
            "docs/_data/stages.yml", "title: Accepting the kidney", "title: Immune tolerance"
        )


def test_broken_stages_yml_shows_the_problem_on_the_last_good_site_and_never_hangs(
    preview: Preview, watched: Watched
) -> None:
    watched.open(preview.url_of("stages/tolerance/"))
    # The last good build must be the unchanged site, not one still being rebuilt from an
    # earlier test's edit: the open page reloads once that rebuild is done.
    title = watched.page.locator("article h1 .stage-heading__title")
    expect(title).to_have_text("Immune tolerance", timeout=RELOAD_TIMEOUT)
    good = "  - id: tolerance\n    title: Immune tolerance\n"
    broken = "  - id: tolerance\n   title: [unclosed\n"
    preview.edit("docs/_data/stages.yml", good, broken)
    try:
        banner = watched.page.locator(BANNER)
        expect(banner).to_be_visible(timeout=RELOAD_TIMEOUT)
        expected = preview.validate_lines()
        assert expected and all(line.startswith("docs/_data/stages.yml:") for line in expected)
        assert banner_lines(watched.page) == expected
        expect(banner).to_contain_text("could not be rebuilt: this is the last version that built")
        expect(watched.page.locator("article h1 .stage-heading__title")).to_have_text(
            "Immune tolerance"
        )
        # Another page answers too (MkDocs' own loop would hold it until stages.yml is
        # fixed), with the same banner.
        watched.page.goto(preview.url_of("about/"), timeout=RELOAD_TIMEOUT)
        assert banner_lines(watched.page) == expected
    finally:
        preview.edit("docs/_data/stages.yml", broken, good)
    expect(watched.page.locator(BANNER)).to_have_count(0, timeout=RELOAD_TIMEOUT)


def test_a_page_not_in_the_nav_is_reported_and_served(preview: Preview, watched: Watched) -> None:
    watched.open(preview.url_of("about/"))
    new_page = preview.project / "docs" / "visiting.md"
    new_page.write_text(
        "---\nlast_reviewed: 2026-11-21\nnext_review: 2027-11-21\n---\n\n"
        "# Visiting the clinic\n\nWhat to bring.\n",
        encoding="utf-8",
    )
    try:
        expect(watched.page.locator(BANNER)).to_be_visible(timeout=RELOAD_TIMEOUT)
        expected = preview.validate_lines()
        # Not in the nav, and (a warning) its address not yet in docs/_data/published.yml.
        assert {line.split(":")[0] for line in expected} == {"docs/visiting.md"}
        assert any("page is not in the nav" in line for line in expected)
        assert banner_lines(watched.page) == expected
        watched.page.goto(preview.url_of("visiting/"), timeout=RELOAD_TIMEOUT)
        expect(watched.page.locator("article h1")).to_contain_text("Visiting the clinic")
        watched.page.evaluate("window.notReloaded = true")
    finally:
        new_page.unlink()
    # Its own page goes away with it: the preview's 404 page, without the banner.
    expect(watched.page.locator(BANNER)).to_have_count(0, timeout=RELOAD_TIMEOUT)
    assert watched.reloaded()


def test_the_preview_allows_only_its_own_reload_script(preview: Preview, built_site: Path) -> None:
    """The served policy is the published one (the real build's, for the same page) plus
    exactly the hash of the one script the server added: its live-reload poller."""
    status, served = fetch(preview.url_of("glossary/"))
    published_page = (built_site / "glossary" / "index.html").read_text(encoding="utf-8")
    assert status == 200
    added = set(INLINE_SCRIPT.findall(served)) - set(INLINE_SCRIPT.findall(published_page))
    assert len(added) == 1 and "livereload(" in added.pop()
    (added_hash,) = inline_script_hashes(served, published_page)
    assert policy_of(served) == f"{policy_of(published_page)} {added_hash}"


def policy_of(page: str) -> str:
    (policy,) = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    return policy
