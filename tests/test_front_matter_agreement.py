"""The validator converts the very Markdown the build converts: MkDocs' own reading of the
front matter (YAML between '---' lines, or MultiMarkdown-style 'Key: value' lines, which
MkDocs takes out of the page) and of the file (byte-order mark, Windows line ends), with
the theme's files as link targets.

A differential test: one copy of the site with a page for each way a page can begin, each
with a link to a page that does not exist in its first lines and one to a file only the
theme has; the real build (MkDocs' warnings) and the validator must find the same broken
links.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

import validate
from conftest import MKDOCS, copy_site_sources

OPENINGS = {
    "yaml": "---\nlast_reviewed: 2026-11-21\n---\nSee [this](gone.md).\n",
    "yaml-ended-with-dots": "---\ntitle: A page\n...\nSee [this](gone.md).\n",
    "yaml-then-blank-lines": "---\ntitle: A page\n---\n\n\nSee [this](gone.md).\n",
    "byte-order-mark": "\ufeff---\ntitle: A page\n---\nSee [this](gone.md).\n",
    "windows-line-ends": "---\r\ntitle: A page\r\n---\r\nSee [this](gone.md).\r\n",
    "no-front-matter": "# A page\n\nSee [this](gone.md).\n",
    # MkDocs reads these first lines as metadata and drops them: no link is made.
    "key-value-line": "Note: see [this](gone.md) first.\n\nThe rest of the page.\n",
    "key-value-lines-continued": "Title: A page\n    and more [this](gone.md)\n\nText.\n",
    "key-value-then-text": "Title: A page\nSee [this](gone.md).\n",
    "key-value-then-blank": "Title: A page\n\nSee [this](gone.md).\n",
    "a-sentence-with-a-colon": "Before you start: read [this](gone.md).\n",
    "theme-file": "# A page\n\nThe [icon](../assets/images/favicon.png) is the theme's.\n",
}
_BUILD_WARNING = re.compile(r"Doc file 'cases/([\w-]+)\.md' contains a link '([^']+)'")
_VALIDATOR_LINE = re.compile(r"docs/cases/([\w-]+)\.md:\d+: link '([^']+)'")


def test_the_validator_and_the_build_find_the_same_broken_links(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_site_sources(tmp_path / "project")
    cases = project / "docs" / "cases"
    cases.mkdir()
    for name, text in OPENINGS.items():
        (cases / f"{name}.md").write_bytes(text.encode("utf-8"))
    build = subprocess.run(
        [*MKDOCS, "build", "--site-dir", str(tmp_path / "site")],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    by_the_build = set(_BUILD_WARNING.findall(build.stderr))
    assert validate.main(["--root", str(project)]) == 1
    report = capsys.readouterr().out
    by_the_validator = set(_VALIDATOR_LINE.findall(report))
    # The corpus has both kinds: links the build makes and lines it drops.
    assert ("yaml", "gone.md") in by_the_build
    assert not any(name.startswith("key-value-line") for name, _ in by_the_build)
    assert by_the_validator == by_the_build
    # And lines readers would never see are reported, where they are.
    dropped = set(re.findall(r"docs/cases/([\w-]+)\.md:1: MkDocs reads line", report))
    assert dropped == {name for name in OPENINGS if name.startswith("key-value")}
