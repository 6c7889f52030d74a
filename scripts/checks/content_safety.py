"""HTML in page content that would run code or reach another website.

The site promises no tracking and no third-party requests, and its Content-Security-Policy
allows only the templates' own scripts; content that needs more is refused at the source,
with its line, so that an editor learns why instead of finding a page that silently
does not work.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from checks.markdown import Page
from guide.problems import Problem

_ACTIVE_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base"}
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
_RESOURCE_ATTRIBUTES = {"src", "srcset", "poster", "data", "background"}
_CODE_SCHEMES = ("javascript:", "vbscript:", "data:")
_INVISIBLE = re.compile(r"[\x00-\x20]+")
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")\s]*)")


def _remote(url: str) -> bool:
    url = _INVISIBLE.sub("", html.unescape(url)).lower()
    return url.startswith(("http:", "https:", "//", "\\\\"))


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []

    def report(self, message: str) -> None:
        self.found.append((self.getpos()[0], message))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _ACTIVE_TAGS:
            self.report(
                f"<{tag}> is not allowed in pages: it would run code or load another site, "
                "which this site promises readers it never does"
            )
        for name, value in attrs:
            text = value or ""
            plain = _INVISIBLE.sub("", html.unescape(text)).lower()
            if name.startswith("on"):
                self.report(f"'{name}=' runs code when a reader acts: pages may not run code")
            elif name in _URL_ATTRIBUTES and plain.startswith(_CODE_SCHEMES):
                self.report(f"a '{plain.split(':')[0]}:' address in '{name}=' runs code")
            if (name in _RESOURCE_ATTRIBUTES or (tag == "link" and name == "href")) and any(
                _remote(part.split()[0]) for part in text.split(",") if part.split()
            ):
                self.report(
                    f"'{name}=' loads from another website: readers were promised no "
                    "third-party requests; copy the file into docs/assets/"
                )
            if name == "style" and any(_remote(url) for url in _CSS_URL.findall(plain)):
                self.report("a CSS url() loads from another website: copy the file in")

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        if self.lasttag == "style" and any(_remote(u) for u in _CSS_URL.findall(data.lower())):
            self.report("a <style> url() loads from another website: copy the file in")


def unsafe_content_problems(page: Page) -> list[Problem]:
    """Raw HTML that runs code or loads from elsewhere, and remote Markdown images."""
    if page.rendered.too_slow:
        return []  # refused already; its text is not HTML an editor wrote
    scanner = _Scanner()
    scanner.feed(page.prose)
    scanner.close()
    problems = [Problem(page.shown_as, line, message) for line, message in scanner.found]
    problems += [
        Problem(
            page.shown_as,
            link.line,
            f"image '{link.target}' is on another website: readers were promised no "
            "third-party requests; copy it into docs/assets/",
        )
        for link in page.links
        if link.image and _remote(link.target)
    ]
    return problems
