"""Shared fixtures: real builds of the site (or of an edited copy) into temporary folders."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from checks.engine import MarkdownEngine

REPO_ROOT = Path(__file__).resolve().parent.parent
# What a build reads; copied so a test can edit its copy without touching the repo.
SITE_SOURCES = ("mkdocs.yml", "docs", "overrides", "scripts")


@functools.cache
def markdown_engine() -> MarkdownEngine:
    """The site's own Markdown (mkdocs.yml as MkDocs reads it), for checks of text alone."""
    return MarkdownEngine.load(REPO_ROOT / "mkdocs.yml", REPO_ROOT / "docs")


def copy_site_sources(destination: Path) -> Path:
    """Copy what the build reads into `destination` and return it."""
    destination.mkdir(parents=True)
    for name in SITE_SOURCES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, destination / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(source, destination / name)
    return destination


MKDOCS = (sys.executable, "-m", "mkdocs")


def run_mkdocs_build(
    project: Path,
    site_dir: Path,
    *,
    engine: Sequence[str] = MKDOCS,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real strict build of the project in `project`; return the finished process.

    `engine` is the command that builds (MkDocs, or a drop-in like ProperDocs); `env` adds
    environment variables."""
    return subprocess.run(
        [*engine, "build", "--strict", "--site-dir", str(site_dir)],
        cwd=project,
        env={
            **os.environ,
            "NO_MKDOCS_2_WARNING": "1",
            "DISABLE_MKDOCS_2_WARNING": "true",
            **(env or {}),
        },
        capture_output=True,
        text=True,
        check=False,
    )


def build_or_fail(
    project: Path,
    site_dir: Path,
    *,
    engine: Sequence[str] = MKDOCS,
    env: Mapping[str, str] | None = None,
) -> Path:
    result = run_mkdocs_build(project, site_dir, engine=engine, env=env)
    if result.returncode != 0:
        pytest.fail(f"mkdocs build failed:\n{result.stdout}\n{result.stderr}")
    return site_dir


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once per test session from the repository as it is."""
    return build_or_fail(REPO_ROOT, tmp_path_factory.mktemp("built") / "site")


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    """A private copy of the site's sources that a test may edit and build."""
    return copy_site_sources(tmp_path / "project")
