"""build_site.py: nothing broken is published, and a failed build leaves site/ as it was."""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from datetime import date, timedelta
from pathlib import Path

import pytest

import build_site
import validate
from conftest import copy_site_sources
from speed.levers import CACHE_FOLDER as RENDER_CACHE


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the real site's sources, with review dates that are not due for a year,
    and a previously published site/ to protect."""
    root = copy_site_sources(tmp_path / "project")
    today = date.today()
    for page in (root / "docs").rglob("*.md"):
        text = re.sub(r"(?m)^last_reviewed: .*$", f"last_reviewed: {today}", page.read_text())
        text = re.sub(r"(?m)^next_review: .*$", f"next_review: {today + timedelta(365)}", text)
        page.write_text(text)
    (root / "site" / "old").mkdir(parents=True)
    (root / "site" / "index.html").write_text("<p>the previous site</p>\n")
    (root / "site" / "old" / "page.html").write_bytes(b"\x00previous\xff")
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def leftovers(root: Path) -> list[str]:
    return sorted(path.name for path in root.iterdir() if path.name.startswith(".site-build-"))


def test_a_good_build_replaces_the_site(project: Path, capsys: pytest.CaptureFixture) -> None:
    assert build_site.main(["--root", str(project)]) == 0
    site = project / "site"
    assert not (site / "old").exists()
    assert (site / "stages" / "tolerance" / "index.html").is_file()
    assert "Immune tolerance" in (site / "stages" / "tolerance" / "index.html").read_text()
    assert capsys.readouterr().out.splitlines()[-1] == "build: published site/"
    assert leftovers(project) == []


def test_a_source_problem_stops_before_building(
    project: Path, capfd: pytest.CaptureFixture
) -> None:
    before = snapshot(project / "site")
    page = project / "docs" / "index.md"
    page.write_text(page.read_text() + "\nSee [the old page](stages/tolerence.md).\n")
    assert build_site.main(["--root", str(project)]) == 1
    out = capfd.readouterr().out
    assert "link 'stages/tolerence.md' does not exist; did you mean 'stages/tolerance.md'" in out
    assert out.splitlines()[-1] == "build: the source has problems; site/ was not changed."
    assert "Building documentation" not in out
    assert snapshot(project / "site") == before
    assert leftovers(project) == []


@pytest.mark.parametrize(
    ("page", "addition", "expected"),
    [
        # A macro called with the wrong arguments passes the source check but fails the build.
        ("about.md", "\n{{ stage_overview('extra') }}\n", "stage_overview"),
    ],
)
def test_a_failed_mkdocs_build_leaves_the_site(
    project: Path, capfd: pytest.CaptureFixture, page: str, addition: str, expected: str
) -> None:
    before = snapshot(project / "site")
    source = project / "docs" / page
    text = source.read_text() if source.exists() else (project / "docs" / "about.md").read_text()
    source.write_text(text + addition)
    assert build_site.main(["--root", str(project)]) == 1
    captured = capfd.readouterr()
    assert expected in captured.out + captured.err  # the build's own error
    assert captured.out.splitlines()[-1] == "build: mkdocs build failed; site/ was not changed."
    assert snapshot(project / "site") == before
    assert leftovers(project) == []


def test_a_problem_in_the_built_html_leaves_the_site(
    project: Path, capfd: pytest.CaptureFixture
) -> None:
    """MkDocs does not check links in raw HTML; the check of the built site does."""
    before = snapshot(project / "site")
    page = project / "docs" / "about.md"
    page.write_text(page.read_text() + '\n<p><a href="../no-such-page/">Old page</a></p>\n')
    assert build_site.main(["--root", str(project)]) == 1
    lines = capfd.readouterr().out.splitlines()
    assert re.fullmatch(
        r"site/about/index\.html:\d+: href '\.\./no-such-page/' does not resolve: "
        r"there is no file 'no-such-page/index\.html'",
        lines[-4],
    ), lines[-4]
    assert lines[-1] == "build: the built site has problems; site/ was not changed."
    assert snapshot(project / "site") == before
    assert leftovers(project) == []


def test_a_first_build_creates_the_site(project: Path, capsys: pytest.CaptureFixture) -> None:
    site = project / "public"
    assert build_site.main(["--root", str(project), "--site-dir", "public"]) == 0
    assert (site / "index.html").is_file()
    assert capsys.readouterr().out.splitlines()[-1] == "build: published public/"


# --- Publishing in one step: kills, leftovers, modes, links, locks, messages -----------------

OLD = {"index.html": b"<p>the previous site</p>\n", "old/page.html": b"\x00previous\xff"}
NEW = {
    "index.html": b"<p>the new site</p>\n",
    "stages/one/index.html": b"<h1>One</h1>\n",
    "assets/data.bin": bytes(range(256)),
}


class Killed(BaseException):
    """The process dies here: nothing after it runs, not even clean-up."""


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """Builds without MkDocs or the checks: the build 'makes' the files of the returned
    dict (NEW unless a test changes it); everything else is build_site's own."""
    content = dict(NEW)

    def fake_build(root: Path, build: Path, alongside: Callable[[], bool] | None) -> bool | None:
        if alongside is not None and not alongside():
            return None
        for name, data in content.items():
            (build / name).parent.mkdir(parents=True, exist_ok=True)
            (build / name).write_bytes(data)
        return True

    monkeypatch.setattr(validate, "main", lambda argv: 0)
    monkeypatch.setattr(build_site, "_mkdocs_build", fake_build)
    monkeypatch.setattr(build_site, "_site_is_clean", lambda root, build, shown_as: True)
    return content


def small_project(root: Path, start: str, content: dict[str, bytes]) -> Path:
    """A project for quick builds. start: 'none' (no site/ yet), 'folder' (site/ is a plain
    folder, as older builds made it) or 'link' (published once by this build, as OLD)."""
    root.mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: test\n")
    if start == "folder":
        for name, data in OLD.items():
            (root / "site" / name).parent.mkdir(parents=True, exist_ok=True)
            (root / "site" / name).write_bytes(data)
    elif start == "link":
        content.clear()
        content.update(OLD)
        assert build_site.main(["--root", str(root)]) == 0
        content.clear()
        content.update(NEW)
    return root


def versions(root: Path) -> list[str]:
    folder = root / ".site-versions"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


# Every call that changes the file system, in build_site and in what it calls.
FILE_SYSTEM_STEPS = [
    (os, "mkdir"),
    (os, "chmod"),
    (os, "rename"),
    (os, "replace"),
    (os, "symlink"),
    (os, "unlink"),
    (os, "rmdir"),
    (shutil, "rmtree"),
    (build_site, "_exchange"),
]


def fail_at_step(
    monkeypatch: pytest.MonkeyPatch, step: int | None, error: BaseException | None = None
) -> list[str]:
    """Count the file system steps; at step number `step` raise `error` once (an OSError:
    the program goes on), or, with no error, raise Killed then and at every later step."""
    calls: list[str] = []

    def counted(module: object, name: str) -> Callable[..., object]:
        real = getattr(module, name)

        def step_of_the_build(*args: object, **kwargs: object) -> object:
            calls.append(name)
            if step is None or len(calls) < step or (error is not None and len(calls) > step):
                return real(*args, **kwargs)
            if error is None:
                raise Killed(f"killed at step {len(calls)}: {name}")
            if name == "rmtree" and kwargs.get("ignore_errors"):
                return None  # what rmtree does with an OSError then
            raise error

        return step_of_the_build

    for module, name in FILE_SYSTEM_STEPS:
        monkeypatch.setattr(module, name, counted(module, name))
    return calls


def run_with_failure(
    root: Path, step: int | None, error: BaseException | None = None
) -> tuple[int | None, list[str]]:
    with pytest.MonkeyPatch.context() as patch:
        calls = fail_at_step(patch, step, error)
        try:
            return build_site.main(["--root", str(root)]), calls
        except Killed:
            return None, calls


@pytest.mark.parametrize(
    ("start", "exchange"),
    [("none", "-"), ("folder", "renameat2"), ("folder", "two renames"), ("link", "-")],
)
def test_a_kill_at_any_step_leaves_the_old_or_the_new_site(
    tmp_path: Path,
    quick: dict[str, bytes],
    monkeypatch: pytest.MonkeyPatch,
    start: str,
    exchange: str,
) -> None:
    """Killed before each file system step in turn (nothing after the kill runs), site/ is
    the complete old site or the complete new one; the next build removes what was left.
    The swap of a plain site/ folder for the link (once) is renameat2(RENAME_EXCHANGE) or,
    where the system has none, two renames."""
    if exchange == "two renames":
        monkeypatch.setattr(build_site, "_exchange", lambda first, second: False)
    old = {} if start == "none" else OLD
    status, steps = run_with_failure(small_project(tmp_path / "count", start, quick), None)
    assert status == 0
    assert ("_exchange" if start == "folder" else "replace") in steps
    gaps = 0
    for step in range(1, len(steps) + 1):
        root = small_project(tmp_path / str(step), start, quick)
        status, _ = run_with_failure(root, step)
        assert status is None, f"step {step} of {steps} was never reached"
        seen = snapshot(root / "site")
        if exchange == "two renames" and seen == {}:
            gaps += 1
            # The one moment without site/ (renamed away, the link not yet in place): the
            # next build, even a failed one, first puts the old folder back.
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(validate, "main", lambda argv: 1)
                assert build_site.main(["--root", str(root)]) == 1
            assert snapshot(root / "site") == old, f"killed at step {step}: {steps[step - 1]}"
        else:
            assert seen in (old, NEW), f"killed at step {step}: {steps[step - 1]}"
        assert build_site.main(["--root", str(root)]) == 0
        assert snapshot(root / "site") == NEW
        assert leftovers(root) == [], f"killed at step {step}: {steps[step - 1]}"
        assert len(versions(root)) <= 2
        assert (root / "site").resolve().parent == root / ".site-versions"
    assert gaps == (1 if exchange == "two renames" else 0)


@pytest.mark.parametrize("start", ["none", "folder", "link"])
def test_a_full_disk_at_any_step_gives_a_message_that_tells_the_truth(
    tmp_path: Path, quick: dict[str, bytes], capfd: pytest.CaptureFixture, start: str
) -> None:
    """ENOSPC at each file system step in turn: one `build:` line, no traceback, and site/
    is what the line says: the old site ('not changed') or the new one."""
    old = {} if start == "none" else OLD
    _, steps = run_with_failure(small_project(tmp_path / "count", start, quick), None)
    capfd.readouterr()
    for step in range(1, len(steps) + 1):
        root = small_project(tmp_path / str(step), start, quick)
        full = OSError(errno.ENOSPC, "No space left on device", str(root / ".site-build-x"))
        status, _ = run_with_failure(root, step, full)
        captured = capfd.readouterr()
        last = captured.out.splitlines()[-1]
        assert "Traceback" not in captured.out + captured.err
        if status == 0:  # a step that may fail: removing what is no longer needed
            assert last == "build: published site/"
            assert snapshot(root / "site") == NEW
        else:
            assert status == 1
            assert last == (
                "build: the disk is full (no space left to write '.site-build-x'); free some "
                "space and build again; site/ was not changed."
            ), f"step {step}: {steps[step - 1]}"
            assert snapshot(root / "site") == old, f"step {step}: {steps[step - 1]}"
        assert build_site.main(["--root", str(root)]) == 0
        assert leftovers(root) == []
        capfd.readouterr()


def test_the_next_build_removes_what_killed_builds_left(
    tmp_path: Path, quick: dict[str, bytes], capsys: pytest.CaptureFixture
) -> None:
    root = small_project(tmp_path / "project", "link", quick)
    (previous,) = versions(root)
    (root / ".site-build-abc123" / "stages").mkdir(parents=True)
    (root / ".site-build-abc123" / "stages" / "index.html").write_text("half a build")
    (root / ".site-build-link-1234").symlink_to(".site-versions/gone")
    for stale in ("20000101T000000.000000Z", "20000102T000000.000000Z"):
        (root / ".site-versions" / stale).mkdir()
        (root / ".site-versions" / stale / "index.html").write_text("unpublished")
    assert build_site.main(["--root", str(root)]) == 0
    assert leftovers(root) == []
    current = (root / "site").readlink().name
    assert versions(root) == sorted([previous, current])  # the current and the previous
    assert build_site.main(["--root", str(root)]) == 0
    assert previous not in versions(root)
    assert len(versions(root)) == 2
    # The version before the previous one is deleted in the background, soon.
    deadline = time.monotonic() + 20
    while list(root.glob(".site-removing-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(root.glob(".site-removing-*")) == []
    (left_by_a_kill := root / ".site-removing-1234").mkdir()
    assert build_site.main(["--root", str(root)]) == 0
    assert not left_by_a_kill.exists()
    capsys.readouterr()


def test_the_published_files_can_be_read_by_everyone_whatever_the_umask(
    project: Path, capsys: pytest.CaptureFixture
) -> None:
    """A real build with umask 077: a web server running as another user can still read it."""
    umask = os.umask(0o077)
    try:
        assert build_site.main(["--root", str(project)]) == 0
    finally:
        os.umask(umask)
    site = project / "site"
    modes = {
        path.relative_to(site).as_posix(): stat.S_IMODE(path.stat().st_mode)
        for path in [site, *site.rglob("*")]
    }
    assert len(modes) > 20
    wrong = {
        name: oct(mode)
        for name, mode in modes.items()
        if mode != (0o755 if (site / name).is_dir() else 0o644)
    }
    assert wrong == {}
    assert stat.S_IMODE((project / ".site-versions").stat().st_mode) == 0o755
    assert stat.S_IMODE(os.lstat(site.resolve()).st_mode) == 0o755
    capsys.readouterr()


def test_site_is_a_link_to_the_current_version_that_tar_and_the_checks_follow(
    tmp_path: Path, quick: dict[str, bytes], capsys: pytest.CaptureFixture
) -> None:
    """actions/upload-pages-artifact archives `path: site` with `tar --dereference
    --directory site .`: the archive holds the files themselves, not a link."""
    root = small_project(tmp_path / "project", "link", quick)
    assert build_site.main(["--root", str(root)]) == 0
    site = root / "site"
    assert site.is_symlink()
    assert not site.readlink().is_absolute()  # the repository can move
    tar = shutil.which("tar")
    if tar is None:
        pytest.skip("no tar")
    archive = tmp_path / "artifact.tar"
    command = [tar, "--dereference", "--hard-dereference", "--directory", str(site)]
    subprocess.run(
        [*command, "-cf", str(archive), "--exclude=.git", "--exclude=.github", "."], check=True
    )
    with tarfile.open(archive) as members:
        files = {
            member.name.removeprefix("./"): members.extractfile(member).read()  # type: ignore[union-attr]
            for member in members
            if member.isfile()
        }
        assert not any(member.issym() or member.islnk() for member in members)
    assert files == NEW
    capsys.readouterr()


def test_a_site_link_made_by_the_user_is_refused(
    tmp_path: Path, quick: dict[str, bytes], capsys: pytest.CaptureFixture
) -> None:
    """site -> a web root elsewhere: never replaced by a link or a folder of ours."""
    root = small_project(tmp_path / "project", "none", quick)
    web_root = tmp_path / "www" / "guide"
    web_root.mkdir(parents=True)
    (web_root / "index.html").write_text("served")
    (root / "site").symlink_to(web_root)
    assert build_site.main(["--root", str(root)]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"build: site is a link to '{web_root}', which make build did not make, so it is not "
        "replaced; remove the link: make build then makes site/ itself, for a web server to "
        "serve (it must follow links), or to copy into that folder after each build with: "
        f"rsync -a --delete site/ {web_root}/; site/ was not changed."
    )
    assert (root / "site").readlink() == web_root
    assert snapshot(web_root) == {"index.html": b"served"}
    assert leftovers(root) == []
    assert versions(root) == []


def test_a_second_build_at_the_same_time_is_refused(
    tmp_path: Path, quick: dict[str, bytes], capsys: pytest.CaptureFixture
) -> None:
    root = small_project(tmp_path / "project", "link", quick)
    before = snapshot(root / "site")
    (root / ".site-build-left-by-the-first").mkdir()  # the running build's folder
    with (root / ".site-build.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert build_site.main(["--root", str(root)]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == (
        "build: another build of site/ is running (it holds .site-build.lock); run make build "
        "again when it has finished; site/ was not changed."
    )
    assert snapshot(root / "site") == before
    assert leftovers(root) == [".site-build-left-by-the-first"]  # not removed under its feet
    assert build_site.main(["--root", str(root)]) == 0  # the lock went with its holder
    assert snapshot(root / "site") == NEW


@pytest.mark.parametrize("value", ["garbage", "", "1.5", "-1", "99999999999999"])
def test_a_wrong_source_date_epoch_is_named(
    project: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture, value: str
) -> None:
    before = snapshot(project / "site")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert build_site.main(["--root", str(project)]) == 1
    captured = capfd.readouterr()
    assert captured.out.splitlines() == [
        f"build: SOURCE_DATE_EPOCH is '{value}', but it must be a whole number of seconds "
        "since 1970-01-01 UTC, like 1764633600 (make sets it to the last commit's time); "
        "correct it or unset it; site/ was not changed."
    ]
    assert captured.err == ""
    assert snapshot(project / "site") == before
    assert leftovers(project) == []


def test_the_script_itself_prints_one_line_and_no_traceback(project: Path) -> None:
    script = project / "scripts" / "build_site.py"
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "garbage"}
    result = subprocess.run(
        [sys.executable, str(script), "--root", str(project)],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout.startswith("build: SOURCE_DATE_EPOCH is 'garbage', but it must be")
    missing = subprocess.run(
        [sys.executable, str(script), "--root", str(project / "docs")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (missing.returncode, missing.stderr) == (2, "")
    assert missing.stdout == (
        f"build: there is no mkdocs.yml in '{project / 'docs'}'; run make build in the "
        "repository, or pass --root; site/ was not changed.\n"
    )


def add_hook(project: Path, code: str) -> None:
    """A second MkDocs hook file for the project's build (the validator is skipped)."""
    (project / "test_hook.py").write_text(code)
    config = project / "mkdocs.yml"
    text = config.read_text().replace("hooks:\n", "hooks:\n  - test_hook.py\n", 1)
    assert "test_hook.py" in text
    config.write_text(text)


def test_a_full_disk_inside_mkdocs_gives_a_message(
    project: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture
) -> None:
    before = snapshot(project / "site")
    add_hook(
        project,
        "import errno, os\n"
        "def on_post_build(config):\n"
        "    path = os.path.join(config.site_dir, 'sitemap.xml')\n"
        # As shutil.copyfile raises it: the source first, then the file being written.
        "    raise OSError(errno.ENOSPC, 'No space left on device', '/theme/x.js', None, path)\n",
    )
    monkeypatch.setattr(validate, "main", lambda argv: 0)
    assert build_site.main(["--root", str(project)]) == 1
    captured = capfd.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert re.fullmatch(
        r"build: the disk is full \(no space left to write '\.site-build-\w+/sitemap\.xml'\); "
        r"free some space and build again; site/ was not changed\.",
        captured.out.splitlines()[-1],
    ), captured.out.splitlines()[-1]
    assert snapshot(project / "site") == before
    assert leftovers(project) == []


PERMISSION_PROBLEMS = {
    # chattr +i site: the swap of the folder for the link is refused.
    "immutable site": (
        errno.EPERM,
        "Operation not permitted",
        "site",
        "build: not allowed to change 'site' (Operation not permitted); check who owns it "
        "and its permissions (ls -ld), or whether it is immutable (lsattr); "
        "site/ was not changed.",
    ),
    # A versions folder made by another user.
    "versions not ours": (
        errno.EACCES,
        "Permission denied",
        ".site-versions",
        "build: not allowed to change '.site-versions' (Permission denied); check who owns "
        "it and its permissions (ls -ld), or whether it is immutable (lsattr); "
        "site/ was not changed.",
    ),
}


@pytest.mark.parametrize("problem", PERMISSION_PROBLEMS)
def test_a_site_that_may_not_be_changed_gives_a_message(
    tmp_path: Path,
    quick: dict[str, bytes],
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture,
    problem: str,
) -> None:
    number, strerror, target, expected = PERMISSION_PROBLEMS[problem]
    root = small_project(tmp_path / "project", "folder", quick)
    real_chmod = os.chmod

    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(number, strerror, str(root / target))

    def chmod(path: Path, *args: object, **kwargs: object) -> None:
        if Path(path) == root / target:
            refused()
        real_chmod(path, *args, **kwargs)  # type: ignore[arg-type]

    if target == "site":
        monkeypatch.setattr(build_site, "_exchange", refused)
    else:
        monkeypatch.setattr(os, "chmod", chmod)
    assert build_site.main(["--root", str(root)]) == 1
    captured = capfd.readouterr()
    assert captured.out.splitlines() == [expected]
    assert "Traceback" not in captured.err
    assert snapshot(root / "site") == OLD
    assert leftovers(root) == []


def test_an_interrupted_build_cleans_up_and_stops_mkdocs(
    project: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture
) -> None:
    """SIGTERM while MkDocs runs: MkDocs is stopped, its folder removed, site/ as it was."""
    before = snapshot(project / "site")
    started = project / "mkdocs.pid"
    add_hook(
        project,
        "import os, pathlib, time\n"
        "def on_pre_build(config):\n"
        f"    pathlib.Path({str(started)!r}).write_text(str(os.getpid()))\n"
        "    time.sleep(60)\n",
    )
    monkeypatch.setattr(validate, "main", lambda argv: 0)

    def terminate_when_mkdocs_runs() -> None:
        for _ in range(600):
            if started.exists() and started.read_text():
                break
            time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=terminate_when_mkdocs_runs, daemon=True).start()
    begun = time.monotonic()
    assert build_site.main(["--root", str(project)]) == 128 + signal.SIGTERM
    assert time.monotonic() - begun < 8  # stopped at once, not after a 10 s grace
    assert capfd.readouterr().out.splitlines()[-1] == (
        "build: stopped by SIGTERM; site/ was not changed."
    )
    with pytest.raises(ProcessLookupError):
        os.kill(int(started.read_text()), 0)  # MkDocs was stopped, not left running
    assert snapshot(project / "site") == before
    assert leftovers(project) == []


def test_ctrl_c_cleans_up(
    tmp_path: Path,
    quick: dict[str, bytes],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    root = small_project(tmp_path / "project", "link", quick)

    def interrupted(root: Path, build: Path, shown_as: str) -> bool:
        raise KeyboardInterrupt

    monkeypatch.setattr(build_site, "_site_is_clean", interrupted)
    assert build_site.main(["--root", str(root)]) == 130
    assert capsys.readouterr().out.splitlines()[-1] == "build: interrupted; site/ was not changed."
    assert snapshot(root / "site") == OLD
    assert leftovers(root) == []
    assert len(versions(root)) == 1


def test_the_source_check_runs_in_a_child_whose_memory_goes_with_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # An earlier browser test leaves Playwright's thread, and threads mean no fork.
    monkeypatch.setattr(build_site.threading, "active_count", lambda: 1)
    parent = os.getpid()

    def check(argv: list[str]) -> int:
        print("checked", argv)
        return 3 if os.getpid() != parent else 0

    assert build_site._in_a_child(check, ["--root", "x"]) == 3
    assert capsys.readouterr().out == "checked ['--root', 'x']\n"


def test_a_warm_build_checks_and_builds_at_once_and_shows_the_checks_lines_first(
    project: Path, capfd: pytest.CaptureFixture
) -> None:
    assert build_site.main(["--root", str(project)]) == 0  # cold: one after the other
    cold = capfd.readouterr()
    page = project / "docs" / "index.md"
    page.write_text(page.read_text() + "\nOne more plain sentence.\n")
    assert build_site.main(["--root", str(project)]) == 0
    warm = capfd.readouterr()
    # MkDocs' lines are held while the check runs, then shown (after the check's report).
    for run in (cold, warm):
        assert "Documentation built" in run.err
    assert warm.out.index("validate: ") < warm.out.index("built site: ")
    assert "One more plain sentence." in (project / "site" / "index.html").read_text()
    # A problem found meanwhile stops MkDocs: its lines are not shown, nothing is published.
    before = snapshot(project / "site")
    page.write_text(page.read_text() + "\nSee [the old page](stages/tolerence.md).\n")
    assert build_site.main(["--root", str(project)]) == 1
    failed = capfd.readouterr()
    assert "link 'stages/tolerence.md' does not exist" in failed.out
    assert failed.out.splitlines()[-1] == "build: the source has problems; site/ was not changed."
    assert "Documentation built" not in failed.err
    assert snapshot(project / "site") == before
    assert leftovers(project) == []


def _children() -> list[str]:
    """The command lines of this process's children (from each process's parent id: the
    kernel's own list of children may miss one while it runs)."""
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError):
            parent = int(stat_file.read_text().rpartition(")")[2].split()[1])
            if parent == os.getpid():
                found.append((stat_file.parent / "cmdline").read_bytes().decode(errors="replace"))
    return found


@pytest.mark.parametrize("check_passes", [True, False])
def test_the_source_check_runs_while_mkdocs_builds(
    project: Path, tmp_path: Path, check_passes: bool, capfd: pytest.CaptureFixture
) -> None:
    seen: list[list[str]] = []

    def check() -> bool:
        seen.append([line for line in _children() if "mkdocs" in line])
        return check_passes

    built = build_site._mkdocs_build(project, tmp_path / "out", alongside=check)
    assert len(seen) == 1 and len(seen[0]) == 1, "MkDocs was running during the check"
    assert [line for line in _children() if "mkdocs" in line] == []
    err = capfd.readouterr().err
    if check_passes:
        assert built is True
        assert "Documentation built" in err
    else:
        assert built is None
        assert "Documentation built" not in err and "Building documentation" not in err


def test_the_check_runs_alongside_mkdocs_once_the_render_cache_is_warm(
    tmp_path: Path, quick: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = small_project(tmp_path / "project", "none", quick)
    calls: list[bool] = []
    fake = build_site._mkdocs_build

    def recording(root: Path, build: Path, alongside: Callable[[], bool] | None) -> bool | None:
        calls.append(alongside is not None)
        return fake(root, build, alongside)

    monkeypatch.setattr(build_site, "_mkdocs_build", recording)
    assert build_site.main(["--root", str(root)]) == 0
    (root / RENDER_CACHE).mkdir(parents=True)
    (root / RENDER_CACHE / "0123.html").write_text("[]\n<p>kept</p>")
    assert build_site.main(["--root", str(root)]) == 0
    assert calls == [False, True]
