"""validate.py as editors and CI run it: output formats, exit codes, bad folders, --external."""

from __future__ import annotations

import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

import validate
from checks.external import EXTERNAL_CACHE, external_link_problems
from guide.problems import MAX_PAGE_BYTES, ExternalLink

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = "2026-11-21"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = validate.main(list(args))
    return code, capsys.readouterr().out


@pytest.fixture
def clean_copy(tmp_path: Path) -> Path:
    """A private copy of the clean fixture site that a test may break."""
    return Path(shutil.copytree(FIXTURES / "clean", tmp_path / "site"))


def test_the_real_site_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    """`make validate` on the repository: one line, exit 0 (warnings of reviews due allowed)."""
    code, out = run(capsys, "--today", date.today().isoformat())
    lines = out.splitlines()
    assert code == 0, out
    assert lines[-1].startswith("validate: ") or "(0 errors" in lines[-1], out


def test_github_format_annotates_each_problem(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(
        capsys, "--root", str(FIXTURES / "anchors"), "--today", TODAY, "--format", "github"
    )
    assert out.splitlines()[0] == (
        "::error file=docs/index.md,line=10::link '#what-it-costs': there is no heading with id "
        "'what-it-costs' in this page"
    )
    assert code == 1


def test_github_format_marks_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    root = FIXTURES / "review_due_soon"
    code, out = run(capsys, "--root", str(root), "--today", TODAY, "--format", "github")
    assert out.splitlines()[0].startswith("::warning file=docs/stages/blockage.md,line=4::")
    assert code == 0


def test_json_format_lists_every_problem(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(
        capsys, "--root", str(FIXTURES / "images"), "--today", TODAY, "--format", "json"
    )
    assert json.loads(out) == [
        {
            "path": "docs/index.md",
            "line": 8,
            "severity": "error",
            "message": "image 'assets/chart.png' does not exist",
        },
        {
            "path": "docs/index.md",
            "line": 10,
            "severity": "error",
            "message": "image 'assets/lgo.png' does not exist; did you mean 'assets/logo.png'?",
        },
    ]
    assert code == 1


def test_json_format_when_clean_is_an_empty_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "--root", str(FIXTURES / "clean"), "--today", TODAY, "--format", "json")
    assert json.loads(out) == []
    assert code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["--site", "no-such-folder"],
        ["--root", "no-such-folder"],
        ["--today", "21/11/2026"],
        ["--format", "xml"],
        ["--no-such-option"],
    ],
)
def test_usage_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        validate.main(args)
    assert exit_info.value.code == 2
    assert "usage: validate.py" in capsys.readouterr().err


def test_a_missing_docs_folder_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys, "--root", str(tmp_path), "--today", TODAY)
    assert out.splitlines()[0] == "docs:1: docs folder does not exist"
    assert code == 1


def test_docs_dir_comes_from_mkdocs_yml(
    clean_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (clean_copy / "docs").rename(clean_copy / "content")
    (clean_copy / "mkdocs.yml").write_text(
        "site_name: X\ndocs_dir: content\nmarkdown_extensions: [attr_list]\nplugins: [macros]\n"
    )
    code, out = run(capsys, "--root", str(clean_copy), "--today", TODAY)
    assert out == "validate: 6 files checked, no problems.\n"
    assert code == 0


def test_an_enormous_page_is_reported_not_read(
    clean_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (clean_copy / "docs" / "huge.md").write_bytes(b"x" * (MAX_PAGE_BYTES + 1))
    code, out = run(capsys, "--root", str(clean_copy), "--today", TODAY)
    assert out.splitlines()[0] == (
        f"docs/huge.md:1: file is {MAX_PAGE_BYTES + 1:,} bytes; the limit is {MAX_PAGE_BYTES:,}"
    )
    assert code == 1


def test_an_attribute_list_id_in_jinja_syntax_gets_a_hint(
    clean_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """mkdocs-macros reads '{#' as the start of a Jinja comment and fails the build."""
    page = clean_copy / "docs" / "index.md"
    page.write_text(page.read_text() + "\n## Costs {#costs}\n")
    code, out = run(capsys, "--root", str(clean_copy), "--today", TODAY)
    assert out.splitlines()[0].startswith("docs/index.md:")
    assert "Jinja syntax error: Missing end of comment tag ('{#' starts a Jinja comment; " in out
    assert code == 1


# --- --external, against a local server only ----------------------------------------------


def _local_links_only(root: Path, extra: str) -> Path:
    """The clean copy's index page with its one Internet link replaced by `extra`."""
    page = root / "docs" / "index.md"
    page.write_text(page.read_text().replace("<https://example.org/kidneys>", extra))
    return page


class _Handler(http.server.BaseHTTPRequestHandler):
    requests: list[tuple[str, str]]

    def _answer(self) -> None:
        self.requests.append((self.command, self.path))
        if self.path == "/missing":
            self.send_error(404)
        elif self.path == "/get-only" and self.command == "HEAD":
            self.send_error(405)
        else:
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    do_HEAD = do_GET = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, list]]:
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    requests: list[tuple[str, str]] = []
    handler = type("Handler", (_Handler,), {"requests": requests})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


def test_external_links_are_not_fetched_by_default(
    clean_copy: Path, local_server: tuple[str, list], capsys: pytest.CaptureFixture[str]
) -> None:
    base, requests = local_server
    _local_links_only(clean_copy, f"[Gone]({base}/missing)")
    code, _ = run(capsys, "--root", str(clean_copy), "--today", TODAY)
    assert requests == []
    assert code == 0


def test_external_checks_links_and_caches_the_working_ones(
    clean_copy: Path, local_server: tuple[str, list], capsys: pytest.CaptureFixture[str]
) -> None:
    base, requests = local_server
    _local_links_only(clean_copy, f"[Fine]({base}/ok) [Gone]({base}/missing) <{base}/get-only>")
    code, out = run(capsys, "--root", str(clean_copy), "--today", TODAY, "--external")
    assert out.splitlines()[0] == (
        f"docs/index.md:13: external link '{base}/missing' is broken (HTTP 404)"
    )
    assert code == 1
    assert ("GET", "/get-only") in requests  # HEAD refused, so GET was tried
    cache = json.loads((clean_copy / EXTERNAL_CACHE).read_text())
    assert sorted(cache) == [f"{base}/get-only", f"{base}/ok"]

    requests.clear()
    code, _ = run(capsys, "--root", str(clean_copy), "--today", TODAY, "--external")
    assert requests == [("HEAD", "/missing")]  # the working links come from the cache
    assert code == 1


def test_external_reports_a_server_that_does_not_answer(tmp_path: Path) -> None:
    link = ExternalLink("docs/index.md", 3, "http://127.0.0.1:9/nothing-listens-here")
    problems = external_link_problems([link], tmp_path / "cache.json")
    assert [(p.path, p.line) for p in problems] == [("docs/index.md", 3)]
    assert problems[0].message.startswith(
        "external link 'http://127.0.0.1:9/nothing-listens-here' is broken (cannot connect: "
    )


@pytest.mark.parametrize("value", ["garbage", "", "1.5", "-1", "99999999999999"])
def test_a_wrong_source_date_epoch_is_one_line_not_a_traceback(
    value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """MkDocs turns SOURCE_DATE_EPOCH into the build date while the pages are rendered."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert validate.main(["--today", TODAY]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f"validate: SOURCE_DATE_EPOCH is '{value}', but it must be a whole number of seconds "
        "since 1970-01-01 UTC, like 1764633600 (make sets it to the last commit's time); "
        "correct it or unset it"
    ]
