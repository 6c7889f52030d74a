"""Build the site so that nothing broken is published: `make build`.

1. Check the Markdown source (validate.py, in a child process); stop on errors.
2. `mkdocs build --strict` into a fresh folder next to site/ (same file system). Once an
   earlier build filled the render cache, steps 1 and 2 run at once (MkDocs is stopped
   when the check fails); the first build checks first, since the check's conversions of
   the pages are MkDocs' too.
3. Check the built HTML (validate.py --site); stop on errors.
4. Only then publish it, in one atomic step.

How site/ is published: `site` is a symbolic link to the current build, which lives in
`.site-versions/<UTC time>/`. A new build is moved into `.site-versions/` and then a new link
is renamed over `site` (`os.replace`: one rename(2), atomic), so a reader, a web server or a
kill at any instant sees the old site or the new one, each complete; there is never a moment
without site/. Published folders are 0755 and files 0644, whatever the umask.

The first build after an older `make build` (when site/ is a plain folder) swaps the folder
and the new link in one step with Linux's renameat2(RENAME_EXCHANGE). Where that is not
available (not Linux, or a file system without it) the swap is two renames, and a kill
between them leaves no site/ for that one moment; the next build puts the old folder back
first. After that first build site is a link and every later publish is a single rename.

The next build removes what a killed build left (`.site-build-*`, versions nothing points
at); the current and the previous version are kept. Two builds of one site at once are
refused: each holds `.site-build.lock` (flock) while it runs. A `site` link that points
somewhere else (a web root the user linked) is never replaced; the build refuses it.

Whenever a step fails or the build is interrupted, nothing that was new is kept, site/ is
left exactly as it was, and the last line printed is one `build: ...` message.
"""

from __future__ import annotations

import argparse
import ctypes
import errno
import fcntl
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import IO

# The other checks are imported where they run (the source check in its own child
# process): while MkDocs builds, this process holds little memory.
from checks.publishing import publishing_problem, source_date_epoch_problem
from speed.levers import CACHE_FOLDER as RENDER_CACHE

ROOT = Path(__file__).resolve().parent.parent
# Next to site/ (same file system, so renames are atomic), named after it; .gitignore lists
# them. `.site-build-*`: a build in progress, or the link about to replace site; never kept.
# `.site-versions/`: the published builds; `site` links to one. `.site-build.lock`: held
# (flock) by the one build that may run.
BUILD_PREFIX = ".{name}-build-"
# An old version being removed in the background, once site/ no longer points at it.
REMOVING_PREFIX = ".{name}-removing-"
VERSIONS = ".{name}-versions"
LOCK = ".{name}-build.lock"
# The site check's results for pages that did not change since the last build (deletable).
SITE_CHECK_CACHE = ".cache/site-check.json"
DIRECTORY_MODE = 0o755
FILE_MODE = 0o644

# MkDocs, run so that an OSError (a full disk, say) comes back as a message, not a traceback:
# the error is written as JSON to the file descriptor given first.
_MKDOCS = """\
import json, os, sys
from mkdocs.__main__ import cli
report = int(sys.argv.pop(1))
try:
    cli.main(args=sys.argv[1:], prog_name="mkdocs")
except OSError as error:
    data = [error.errno, error.strerror, error.filename, error.filename2]
    os.write(report, json.dumps(data).encode())
    sys.exit(1)
"""


class BuildStopped(Exception):
    """A problem the editor can fix; the message is printed after 'build: '."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


class Interrupted(BaseException):
    """SIGTERM or SIGHUP arrived (Ctrl-C is KeyboardInterrupt)."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number


@dataclass
class Site:
    """Where one site is published, and what this build has done to it so far."""

    path: Path  # the `site` link
    shown: str  # as the editor typed it: "site"
    version: Path | None = None  # the new build, once it is in the versions folder

    @property
    def parent(self) -> Path:
        return self.path.parent

    @property
    def versions(self) -> Path:
        return self.parent / VERSIONS.format(name=self.path.name)

    @property
    def prefix(self) -> str:
        return BUILD_PREFIX.format(name=self.path.name)

    @property
    def removing_prefix(self) -> str:
        return REMOVING_PREFIX.format(name=self.path.name)

    @property
    def lock(self) -> Path:
        return self.parent / LOCK.format(name=self.path.name)

    def published(self) -> bool:
        """Whether site now points at this build's version (the one fact that matters)."""
        return self.version is not None and _link_target(self.path) == self.version

    def outcome(self) -> str:
        if self.published():
            return f"{self.shown}/ was already replaced by the new build"
        return f"{self.shown}/ was not changed"


def main(argv: Sequence[str] | None = None) -> int:
    """Check, build, check the build, publish; returns the exit status."""
    parser = argparse.ArgumentParser(prog="build_site.py", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository")
    parser.add_argument(
        "--site-dir", default="site", help="where the site is published (default: site)"
    )
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    site = Site(root / args.site_dir, args.site_dir.rstrip("/") or args.site_dir)
    try:
        with _signals_stop_the_build():
            return _build(root, site)
    except BuildStopped as stopped:
        print(f"build: {stopped}")
        return stopped.status
    except OSError as error:
        print(f"build: {_describe(error, root)}; {site.outcome()}.")
        return 1
    except KeyboardInterrupt:
        print(f"build: interrupted; {site.outcome()}.")
        return 128 + signal.SIGINT
    except Interrupted as interrupted:
        print(f"build: stopped by {signal.Signals(interrupted.number).name}; {site.outcome()}.")
        return 128 + interrupted.number


def _build(root: Path, site: Site) -> int:
    if not (root / "mkdocs.yml").is_file():
        raise BuildStopped(
            f"there is no mkdocs.yml in '{root}'; run make build in the repository, or pass "
            f"--root; {site.shown}/ was not changed.",
            status=2,
        )
    _check_environment(site, root)
    site.parent.mkdir(parents=True, exist_ok=True)
    with _lock(site):
        _put_back_a_lost_site(site)
        current = _current_version(site)
        _tidy(site, keep={current, *_newest_other(site, current)})
        # Cold, the source check converts every page for MkDocs (see checks/engine.py), so
        # it comes first; warm, MkDocs has all but the changed pages already and both run at
        # once, one on each core. Either way nothing is published unless both passed.
        side_by_side = _render_cache_is_warm(root)
        source_problems = f"build: the source has problems; {site.shown}/ was not changed."
        if not side_by_side and not _source_is_clean(root):
            print(source_problems)
            return 1
        # The list of published addresses, worked out while MkDocs builds (side by side).
        addresses: list[tuple[Path, str] | None] = []

        def check_then_list_addresses() -> bool:
            if not _source_is_clean(root):
                return False
            addresses.append(_published_update(root))
            return True

        build = Path(tempfile.mkdtemp(prefix=site.prefix, dir=site.parent))
        try:
            check = check_then_list_addresses if side_by_side else None
            built = _mkdocs_build(root, build, alongside=check)
            if built is None:
                print(source_problems)
                return 1
            if not built:
                print(f"build: mkdocs build failed; {site.shown}/ was not changed.")
                return 1
            if not _site_is_clean(root, build, shown_as=site.shown):
                print(f"build: the built site has problems; {site.shown}/ was not changed.")
                return 1
            _usual_modes(build)
            _publish(site, build)
        finally:
            shutil.rmtree(build, ignore_errors=True)
        assert site.version is not None
        # The version before the previous one goes in the background: a big site's thousands
        # of folders take seconds to delete, and nothing points at it any more.
        _tidy(site, keep={site.version.name, current}, in_background=True)
        update = addresses[0] if addresses else _published_update(root)
        if update is not None:
            path, text = update
            path.write_text(text, encoding="utf-8")
            shown = path.relative_to(root).as_posix()
            print(f"build: new addresses added to {shown}: commit it with your change")
    print(f"build: published {site.shown}/")
    return 0


# --- What the editor can get wrong ----------------------------------------------------------


def _check_environment(site: Site, root: Path) -> None:
    """The publishing workflow sets PUBLISHING=1, and then the site's address must be real;
    MkDocs needs a SOURCE_DATE_EPOCH it can read."""
    if os.environ.get("PUBLISHING") == "1":
        problem = publishing_problem(root)
        if problem:
            raise BuildStopped(f"{problem}; {site.shown}/ was not changed.")
    problem = source_date_epoch_problem()
    if problem:
        raise BuildStopped(f"{problem}; {site.shown}/ was not changed.")


def _describe(error: OSError, root: Path) -> str:
    """One line for an error of the file system, naming the file relative to the repository
    (for a full disk, the file being written: a copy's destination, not its source)."""
    number = error.errno
    name = error.filename
    if number in (errno.ENOSPC, errno.EDQUOT) and error.filename2 is not None:
        name = error.filename2
    if name is not None:
        path = Path(os.fsdecode(name))
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    where = f" '{name}'" if name else ""
    if number in (errno.ENOSPC, errno.EDQUOT):
        return f"the disk is full (no space left to write{where}); free some space and build again"
    if number in (errno.EACCES, errno.EPERM):
        return (
            f"not allowed to change{where} ({error.strerror}); check who owns it and its "
            "permissions (ls -ld), or whether it is immutable (lsattr)"
        )
    if number == errno.EROFS:
        return f"the file system is read-only (cannot write{where})"
    return f"{error.strerror or error}{':' if where else ''}{where}"


# --- One build at a time; interruptions ----------------------------------------------------


@contextmanager
def _lock(site: Site) -> Iterator[None]:
    """Hold the site's lock file (flock) or refuse: a second build must not touch the first's
    folders. The lock goes with the process, even a killed one; the file stays."""
    descriptor = os.open(site.lock, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildStopped(
                f"another build of {site.shown}/ is running (it holds {site.lock.name}); run "
                f"make build again when it has finished; {site.shown}/ was not changed."
            ) from None
        yield
    finally:
        os.close(descriptor)


@contextmanager
def _signals_stop_the_build() -> Iterator[None]:
    """SIGTERM and SIGHUP raise Interrupted, so that cleaning up runs as for Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(number: int, frame: FrameType | None) -> None:
        raise Interrupted(number)

    previous = {number: signal.signal(number, stop) for number in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


# --- Building and checking ------------------------------------------------------------------


def _source_is_clean(root: Path) -> bool:
    return _in_a_child(_check_source, ["--root", str(root)]) == 0


def _check_source(argv: list[str]) -> int:
    # Imported in the child, whose memory goes with it.
    import validate  # noqa: PLC0415

    return validate.main(argv)


def _published_update(root: Path) -> tuple[Path, str] | None:
    from checks.addresses import published_update  # noqa: PLC0415
    from checks.settings import read_settings  # noqa: PLC0415

    return published_update(root / "mkdocs.yml", root / read_settings(root)[0].docs_dir)


def _render_cache_is_warm(root: Path) -> bool:
    """Whether an earlier build left its pages in the render cache."""
    folder = root / RENDER_CACHE
    return folder.is_dir() and next(folder.glob("*.html"), None) is not None


def _in_a_child(check: Callable[[list[str]], int], argv: list[str]) -> int:
    """`check(argv)` in a forked child, so that the memory it took (every page, read and
    rendered) is given back before MkDocs takes its own. What it prints comes back through a
    pipe and is printed here (to whatever sys.stdout is). In-process where forking is
    unsafe (a process running threads) or impossible."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return check(argv)
    sys.stdout.flush()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        status = 1
        try:
            sys.stdout = os.fdopen(write, "w", encoding="utf-8")
            status = check(argv)
        except Exception:  # a bug in a check: shown as it would be in-process
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status)
    os.close(write)
    try:
        with os.fdopen(read, encoding="utf-8") as printed:
            sys.stdout.write(printed.read())
        _, status = os.waitpid(pid, 0)
    except BaseException:  # interrupted: the child stops too
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
        raise
    return os.waitstatus_to_exitcode(status)


def _mkdocs_build(
    root: Path, build: Path, alongside: Callable[[], bool] | None = None
) -> bool | None:
    """Run the strict build; its own output (the errors an editor needs) goes to the terminal.
    An OSError inside MkDocs is raised here (and so reported in one line).

    `alongside` (the source check) runs while MkDocs builds, and MkDocs' output is held
    until it is done, so that its lines come after the check's; when it fails, MkDocs is
    stopped, its output dropped, and None is returned."""
    if alongside is None:
        return _run_mkdocs(root, build, None, (None, None))
    with tempfile.TemporaryFile() as held_out, tempfile.TemporaryFile() as held_err:
        built = _run_mkdocs(root, build, alongside, (held_out, held_err))
        if built is not None:
            for held, shown_on in ((held_out, sys.stdout), (held_err, sys.stderr)):
                held.seek(0)
                shown_on.write(held.read().decode("utf-8", "replace"))
        return built


def _run_mkdocs(
    root: Path,
    build: Path,
    alongside: Callable[[], bool] | None,
    output: tuple[IO[bytes] | None, IO[bytes] | None],
) -> bool | None:
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    report, report_to = os.pipe()
    command = [sys.executable, "-c", _MKDOCS, str(report_to), "build", "--strict", "--clean"]
    command += ["--config-file", str(root / "mkdocs.yml"), "--site-dir", str(build)]
    try:
        process = subprocess.Popen(
            command,
            cwd=root,
            env=environment,
            pass_fds=(report_to,),
            stdout=output[0],
            stderr=output[1],
        )
        os.close(report_to)
        report_to = -1
        try:
            if alongside is not None and not alongside():
                _stop(process)
                return None
            returncode = process.wait()
        except BaseException:  # interrupted: MkDocs must stop writing before cleaning up
            _stop(process)
            raise
        error = os.read(report, 65536)
    finally:
        os.close(report)
        if report_to >= 0:
            os.close(report_to)
    if error:
        number, strerror, filename, filename2 = json.loads(error)
        raise OSError(number, strerror, filename, None, filename2)
    return returncode == 0


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _site_is_clean(root: Path, build: Path, shown_as: str) -> bool:
    """validate.py --site on the new build, printed as the site/ it is about to become."""
    from checks.report import render_report  # noqa: PLC0415
    from checks.settings import read_settings  # noqa: PLC0415
    from checks.site_html import check_site  # noqa: PLC0415

    settings, problems = read_settings(root)
    result = check_site(build, shown_as, settings.site_url, cache=root / SITE_CHECK_CACHE)
    problems += result.problems
    print(render_report(problems, result.files_checked, "text", "make build", "built site"))
    return not any(problem.severity == "error" for problem in problems)


def _usual_modes(folder: Path) -> None:
    """Folders 0755, files 0644, whatever the umask (and mkdtemp's 0700): a web server
    running as another user can read them. Links inside are left alone."""
    folder.chmod(DIRECTORY_MODE)
    for directory, folders, files in os.walk(folder):
        for name in folders:
            if not (path := Path(directory, name)).is_symlink():
                path.chmod(DIRECTORY_MODE)
        for name in files:
            if not (path := Path(directory, name)).is_symlink():
                path.chmod(FILE_MODE)


# --- Publishing -----------------------------------------------------------------------------


def _link_target(link: Path) -> Path | None:
    """Where a symbolic link points, as an absolute path (not resolved further); None when
    `link` is not a link."""
    if not link.is_symlink():
        return None
    return Path(os.path.normpath(link.parent / link.readlink()))


def _current_version(site: Site) -> str | None:
    """The name of the published version; None for no site/ or a plain folder (from before
    versions). Refuses what make build never makes: a link elsewhere, a file."""
    target = _link_target(site.path)
    if target is not None:
        if target.parent == site.versions:
            return target.name  # even when it is missing: then there is nothing to keep
        raise BuildStopped(
            f"{site.shown} is a link to '{site.path.readlink()}', which make build did not "
            f"make, so it is not replaced; remove the link: make build then makes "
            f"{site.shown}/ itself, for a web server to serve (it must follow links), or to "
            f"copy into that folder after each build with: rsync -a --delete {site.shown}/ "
            f"{target}/; {site.shown}/ was not changed."
        )
    if site.path.exists() and not site.path.is_dir():
        raise BuildStopped(
            f"{site.shown} is a file, not a folder; move it away and build again; "
            f"{site.shown}/ was not changed."
        )
    return None


def _version_name(site: Site) -> str:
    """A name that sorts by time and is not taken (builds are serialised by the lock)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    name, count = stamp, 1
    while (site.versions / name).is_symlink() or (site.versions / name).exists():
        count += 1
        name = f"{stamp}-{count}"
    return name


def _publish(site: Site, build: Path) -> None:
    """The checked build becomes site/, in one atomic step: it moves into the versions
    folder, then a new link is renamed over `site`. Undone unless site points at it."""
    site.versions.mkdir(mode=DIRECTORY_MODE, exist_ok=True)
    site.versions.chmod(DIRECTORY_MODE)
    version = site.versions / _version_name(site)
    link = site.parent / f"{site.prefix}link-{secrets.token_hex(4)}"
    try:
        build.rename(version)
        site.version = version
        link.symlink_to(version.relative_to(site.parent), target_is_directory=True)
        if site.path.is_dir() and not site.path.is_symlink():
            _replace_plain_folder(site, link)
        else:
            link.replace(site.path)  # the commit: one rename over the old link
    except BaseException:
        if not site.published():
            shutil.rmtree(version, ignore_errors=True)
        if link.is_symlink():
            link.unlink()
        raise


def _replace_plain_folder(site: Site, link: Path) -> None:
    """Once, for a site/ folder made before versions: swap it with the link in one step
    where the system can; otherwise two renames, with no site/ in between."""
    if _exchange(link, site.path):
        shutil.rmtree(link, ignore_errors=True)  # the old folder now has the link's name
        return
    old = site.parent / f"{site.prefix}old-{secrets.token_hex(4)}"
    site.path.rename(old)
    try:
        link.replace(site.path)
    except BaseException:
        old.rename(site.path)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two names atomically (Linux renameat2 with RENAME_EXCHANGE); False where the
    system or the file system cannot."""
    if sys.platform != "linux":
        return False
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:  # a C library without it (glibc before 2.28)
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    names = os.fsencode(first), os.fsencode(second)
    if renameat2(at_fdcwd, names[0], at_fdcwd, names[1], rename_exchange) == 0:
        return True
    number = ctypes.get_errno()
    if number in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(number, os.strerror(number), os.fsdecode(second))


def _put_back_a_lost_site(site: Site) -> None:
    """A build killed between the two renames of _replace_plain_folder left no site/ but
    the complete old folder: put it back before anything else."""
    if site.path.is_symlink() or site.path.exists():
        return
    lost = sorted(
        (path for path in site.parent.glob(f"{site.prefix}old-*") if path.is_dir()),
        key=lambda path: path.stat().st_mtime,
    )
    if lost:
        lost[-1].rename(site.path)


def _newest_other(site: Site, current: str | None) -> list[str]:
    """The newest version but the current one: the previous site, kept for a while."""
    if not site.versions.is_dir():
        return []
    others = sorted(path.name for path in site.versions.iterdir() if path.name != current)
    return others[-1:]


def _tidy(site: Site, keep: set[str | None], *, in_background: bool = False) -> None:
    """Remove what earlier (killed) builds left: build folders, links, versions not kept.
    Best effort: what cannot be removed now is tried again next time. In the background,
    folders are renamed aside at once and deleted by a detached process."""
    leftovers = list(site.parent.glob(f"{site.prefix}*"))
    leftovers += list(site.parent.glob(f"{site.removing_prefix}*"))
    if site.versions.is_dir():
        leftovers += [path for path in site.versions.iterdir() if path.name not in keep]
    aside = []
    for path in leftovers:
        with suppress(OSError):
            if not path.is_dir() or path.is_symlink():
                path.unlink()
            elif in_background:
                moved = site.parent / f"{site.removing_prefix}{secrets.token_hex(4)}"
                path.rename(moved)
                aside.append(moved)
            else:
                shutil.rmtree(path)
    if aside:
        # Started by a shell as a background job, which the shell leaves behind when it
        # exits at once: nothing for this process to wait for.
        background = 'code=$1; shift; "$0" -c "$code" "$@" </dev/null >/dev/null 2>&1 &'
        command = ["sh", "-c", background, sys.executable, _REMOVE, *map(str, aside)]
        with suppress(OSError, subprocess.SubprocessError):
            subprocess.run(command, check=False, timeout=10)


# At the lowest priority: the next build (an editor's next save) goes first.
_REMOVE = """\
import os, shutil, sys
os.nice(19)
for path in sys.argv[1:]:
    shutil.rmtree(path, True)
"""


if __name__ == "__main__":
    raise SystemExit(main())
