"""The preview (`make serve`) without a browser: it starts when nothing can be built yet and
answers every address with the problems; it needs nothing from requirements-dev.txt; its
log is quiet; and the published build's policy is never the preview's.

One server for the module, on a copy of the site whose stages.yml is broken from the start,
run with every module that only requirements-dev.txt installs made unimportable.
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.metadata
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO_ROOT
from guide.problems import Problem
from live_preview import MAKE_SOURCES, Preview, copy_project, fetch, running_preview
from preview.banner import Findings
from preview.page_update import Snapshot
from preview.server import PreviewServer

GOOD = "  - id: tolerance\n    title: Immune tolerance\n"
BROKEN = "  - id: tolerance\n   title: [unclosed\n"
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"')
# Refuses to import what only requirements-dev.txt installs, as a venv without it would.
BLOCKER = """\
import os, sys
from importlib.abc import MetaPathFinder

DEV_ONLY = frozenset(os.environ["DEV_ONLY_MODULES"].split(","))


class DevOnly(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in DEV_ONLY:
            raise ModuleNotFoundError(f"{name} is only in requirements-dev.txt")


sys.meta_path.insert(0, DevOnly())
"""


def _requirement_names(path: Path) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {_normal(line.split("==")[0]) for line in lines if "==" in line}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def dev_only_modules() -> list[str]:
    """Top-level modules whose every distribution is in requirements-dev.txt only."""
    dev_only = _requirement_names(REPO_ROOT / "requirements-dev.txt") - _requirement_names(
        REPO_ROOT / "requirements.txt"
    )
    return sorted(
        module
        for module, distributions in importlib.metadata.packages_distributions().items()
        if all(_normal(d) in dev_only for d in distributions) and module.isidentifier()
    )


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    folder = tmp_path_factory.mktemp("preview-http")
    (folder / "blocker").mkdir()
    (folder / "blocker" / "sitecustomize.py").write_text(BLOCKER, encoding="utf-8")
    modules = dev_only_modules()
    assert {"playwright", "hypothesis", "pytest", "mypy"} <= set(modules)
    env = {"PYTHONPATH": str(folder / "blocker"), "DEV_ONLY_MODULES": ",".join(modules)}
    refused = subprocess.run(
        [sys.executable, "-c", "import playwright"],
        env={**os.environ, **env},
        capture_output=True,
        check=False,
    )
    assert refused.returncode != 0  # the blocker works
    project = copy_project(folder / "project")
    stages = project / "docs" / "_data" / "stages.yml"
    stages.write_text(stages.read_text(encoding="utf-8").replace(GOOD, BROKEN), encoding="utf-8")
    with running_preview(project, env) as server:
        yield server


def test_with_nothing_built_every_address_shows_the_problems(preview: Preview) -> None:
    expected = preview.validate_lines()
    assert expected and all(line.startswith("docs/_data/stages.yml:") for line in expected)
    for address in ("", "stages/tolerance/", "no-such-page/"):
        status, page = fetch(preview.url_of(address))
        assert status == 404
        assert "The site could not be built" in page
        for line in expected:
            assert f"<li>{html.escape(line)}</li>" in page
        # It reloads by itself once the file is fixed: the reload script is allowed.
        (reload_script,) = INLINE_SCRIPT.findall(page)
        assert "livereload(" in reload_script
        (policy,) = POLICY.findall(page)
        assert policy.endswith("script-src 'self' " + _hash(reload_script))


def test_fixing_stages_yml_serves_the_site(preview: Preview) -> None:
    stages = preview.project / "docs" / "_data" / "stages.yml"
    stages.write_text(stages.read_text(encoding="utf-8").replace(BROKEN, GOOD), encoding="utf-8")
    deadline = time.monotonic() + 60
    status, page = fetch(preview.url_of("stages/tolerance/"))
    while status != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
        status, page = fetch(preview.url_of("stages/tolerance/"))
    assert status == 200
    assert "Immune tolerance" in page
    assert 'aria-label="Problems to fix"' not in page
    assert preview.validate_lines() == []


def test_the_log_is_quiet_and_says_what_is_wrong(preview: Preview) -> None:
    log = preview.log.read_text(encoding="utf-8")
    assert "Documentation built" in log or "the stage order has problems" in log
    assert "[macros]" not in log
    assert "Traceback" not in log and "ModuleNotFoundError" not in log
    assert "Preview: 1 problem to fix before this can be published" in log


def test_make_serve_installs_only_what_building_needs(tmp_path: Path) -> None:
    for name in MAKE_SOURCES:
        (tmp_path / name).write_bytes((REPO_ROOT / name).read_bytes())

    def planned(target: str) -> str:
        result = subprocess.run(
            ["make", "-n", target], cwd=tmp_path, capture_output=True, text=True, check=True
        )
        return result.stdout

    for target in ("serve", "build", "validate"):
        commands = planned(target)
        assert "-r requirements.txt" in commands and "requirements-dev.txt" not in commands
    assert "-r requirements-dev.txt" in planned("test")
    assert "--dev-addr 127.0.0.1:8000" in planned("serve")


def test_the_published_policy_allows_only_each_pages_own_scripts(built_site: Path) -> None:
    """What the preview adds is never in the build: every built page's policy allows
    exactly the inline scripts that page has, by hash, and nothing else."""
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) >= 11
    for path in pages:
        page = path.read_text(encoding="utf-8")
        assert "livereload" not in page and "Problems to fix" not in page, path
        (policy,) = POLICY.findall(page)
        directives = dict(d.strip().partition(" ")[::2] for d in policy.split(";"))
        own = {_hash(script) for script in INLINE_SCRIPT.findall(page)}
        assert set(directives["script-src"].split()) == {"'self'", *own}, path
        assert directives["default-src"] == "'self'", path


def _hash(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    return f"'sha256-{digest}'"


def test_a_big_site_is_shown_before_its_check_and_once_more_if_the_check_differs(
    tmp_path: Path,
) -> None:
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    page = project / "docs" / "a.md"
    page.write_text("# A\n", encoding="utf-8")
    builds = tmp_path / "builds"
    builds.mkdir()
    found = (Problem("docs/a.md", 1, "link 'b.md' does not exist"),)
    at_check: list[tuple[bool, tuple[Problem, ...]]] = []
    big = [True]

    def build_into(output: Path, url: str, sources: Snapshot) -> tuple[Findings, None]:
        (output / "index.html").write_text("<p>built</p>", encoding="utf-8")
        return Findings(), None

    def check() -> tuple[tuple[Problem, ...], tuple[str, ...]]:
        shown = server._visible_epoch == server._wanted_epoch
        at_check.append((shown, server.findings.problems))
        return found, ()

    server = PreviewServer(
        host="127.0.0.1", port=0, mount_path="/", builds=builds, project=project,
        big_site=lambda: big[0], build_into=build_into, check=check,
    )  # fmt: skip
    try:

        def rebuild() -> int:
            """As LiveReloadServer's loop does: a new epoch, the build, the epoch shown."""
            server._wanted_epoch = server._visible_epoch + 10
            wanted = server._wanted_epoch
            server.rebuild()
            shown_by_the_rebuild = server._visible_epoch - wanted
            server._visible_epoch = server._wanted_epoch
            return shown_by_the_rebuild

        # The new build is served before the check; the check's new line: one more reload.
        assert rebuild() == 1
        assert at_check[-1] == (True, ())
        # The same line again: no second reload; the page not saved since keeps its line.
        assert rebuild() == 0
        assert at_check[-1] == (True, found)
        # The page saved since the check: its line is left out until the check has run.
        time.sleep(0.05)
        page.write_text("# A\n\nEdited.\n", encoding="utf-8")
        assert rebuild() == 1
        assert at_check[-1] == (True, ())
        # A small site: one reload, after the check.
        big[0] = False
        rebuild()
        assert at_check[-1][0] is False
    finally:
        server.server_close()
