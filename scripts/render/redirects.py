"""Redirect pages for old addresses, written by mkdocs-redirects from the moves editors record.

The plugin's page holds one inline script (it keeps the #fragment of the old address); it is
allowed by its hash in the page's own policy, like every template's script.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from mkdocs.structure.files import File

from guide.stages import Move
from render.page_security import with_content_security_policy


def redirect_maps(moves: Iterable[Move]) -> dict[str, str]:
    """mkdocs-redirects' `redirect_maps`: old page path -> the page readers now get."""
    return {move.old_page: move.new_page for move in sorted(moves)}


def overwritten_pages(moves: Iterable[Move], pages: Iterable[str]) -> list[Move]:
    """Moves whose old page is a page again: the plugin would write its redirect over it."""
    existing = set(pages)
    return [move for move in moves if move.old_page in existing]


def with_redirect_policies(
    site_dir: Path, old_pages: Iterable[str], use_directory_urls: bool
) -> None:
    """Give the redirect page of every old page the site's Content-Security-Policy."""
    for old_page in old_pages:
        path = site_dir / File(old_page, "", "", use_directory_urls).dest_uri
        if path.is_file():
            path.write_text(with_content_security_policy(path.read_text("utf-8")), "utf-8")
