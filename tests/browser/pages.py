"""Helpers for driving the built site in Chromium: which pages exist, palettes, axe-core."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import axe_playwright_python
import pytest
from playwright.sync_api import Page

from guide.stages import Stage

# axe-core as bundled by axe-playwright-python; injected directly, without the wrapper.
AXE_SCRIPT = Path(axe_playwright_python.__file__).parent / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Material's names for the two schemes in mkdocs.yml (the toggle sets data-md-color-scheme).
SCHEMES = {"light": "default", "dark": "slate"}

# True once the palette is on <body> AND its colours are in use: Material applies the
# scheme from JavaScript after the first paint, and colours may still be transitioning.
_PALETTE_APPLIED = """([scheme, dark]) => {
  if (document.body.dataset.mdColorScheme !== scheme) return false;
  if (document.getAnimations().some((animation) => animation.playState === "running")) return false;
  const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number);
  const luminance = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  return dark ? luminance < 0.25 : luminance > 0.75;
}"""


def site_pages(site_dir: Path) -> list[str]:
    """Every HTML page of the build, relative to the site root: '', 'about/', '404.html'."""
    pages = [
        "" if path.parent == site_dir else f"{path.parent.relative_to(site_dir).as_posix()}/"
        for path in site_dir.rglob("index.html")
    ]
    if (site_dir / "404.html").is_file():
        pages.append("404.html")
    return sorted(pages)


def stage_path(stage: Stage) -> str:
    """Where a stage's page is, relative to the site root: 'stages/tolerance/'."""
    return f"{PurePosixPath(stage.page).with_suffix('').as_posix()}/"


def wait_for_palette(page: Page, palette: str) -> None:
    """Wait until `palette` ('light' or 'dark') is on the page and its colours have settled."""
    page.wait_for_function(_PALETTE_APPLIED, arg=[SCHEMES[palette], palette == "dark"])


def inject_axe(page: Page) -> None:
    """Put axe-core into the page (once per page load).

    Evaluated through DevTools rather than added as a <script>: the site's Content
    Security Policy rightly refuses inline scripts it does not know.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))


def run_axe(page: Page) -> list[dict]:
    """axe-core's WCAG 2.0/2.1/2.2 A and AA violations for the page as it is now."""
    inject_axe(page)
    return page.evaluate(
        """(tags) => axe.run(document, {
             runOnly: {type: "tag", values: tags},
             resultTypes: ["violations"],
           }).then((results) => results.violations)""",
        WCAG_TAGS,
    )


def describe_violations(violations: list[dict], where: str) -> list[str]:
    """One line per violation: where, rule id, impact, the selectors of the failing nodes."""
    lines = []
    for violation in violations:
        targets = ", ".join(" >> ".join(map(str, node["target"])) for node in violation["nodes"])
        lines.append(
            f"{where}: {violation['id']} ({violation['impact']}) {violation['help']}; "
            f"targets: {targets}"
        )
    return lines


def tab_to(page: Page, selector: str, max_presses: int = 150) -> None:
    """Press Tab until the element matching `selector` has focus; fail if it does not
    within `max_presses`."""
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    pytest.fail(f"{selector} never gets focus with Tab (tried {max_presses} times)")
