"""The weekly reminders: one issue per page due for review, one for broken external links,
updated (never duplicated) on the next run, closed once resolved; against a fake GitHub
API and fake websites on 127.0.0.1."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

import reminders
from checks.reminders import Action, Issue, Reminder, key_of, plan
from conftest import copy_site_sources

TODAY = "2027-03-01"


class FakeGitHub:
    """Issues in memory behind GitHub's REST paths; also a web page that works and one gone."""

    def __init__(self) -> None:
        self.issues: dict[int, dict[str, object]] = {}
        self.requests: list[tuple[str, str]] = []
        self.tokens: set[str | None] = set()

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlsplit(handler.path)
        self.requests.append((handler.command, url.path))
        if url.path.startswith("/web/"):
            self.reply(handler, 200 if url.path == "/web/ok" else 404, None)
            return
        self.tokens.add(handler.headers.get("Authorization"))
        length = int(handler.headers.get("Content-Length") or 0)
        data = json.loads(handler.rfile.read(length)) if length else {}
        match = re.fullmatch(r"/repos/owner/guide/issues(?:/(\d+))?", url.path)
        if match is None:
            self.reply(handler, 404, {"message": "Not Found"})
        elif handler.command == "GET":
            query = parse_qs(url.query)
            page, size = int(query["page"][0]), int(query["per_page"][0])
            assert query["creator"] == ["github-actions[bot]"]
            shown = [issue for issue in self.issues.values() if issue["state"] == "open"]
            self.reply(handler, 200, shown[(page - 1) * size : page * size])
        elif handler.command == "POST":
            number = len(self.issues) + 1
            self.issues[number] = {"number": number, "state": "open", **data}
            self.reply(handler, 201, self.issues[number])
        else:
            self.issues[int(match.group(1))].update(data)
            self.reply(handler, 200, self.issues[int(match.group(1))])

    @staticmethod
    def reply(handler: BaseHTTPRequestHandler, status: int, data: object) -> None:
        body = json.dumps(data).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(body)

    def open_titles(self) -> list[str]:
        return sorted(str(i["title"]) for i in self.issues.values() if i["state"] == "open")


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FakeGitHub, str]]:
    fake = FakeGitHub()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fake.handle(self)

        do_POST = do_PATCH = do_HEAD = do_GET

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    address = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv("GITHUB_API_URL", address)
    monkeypatch.setenv("GITHUB_REPOSITORY", "owner/guide")
    monkeypatch.setenv("GITHUB_TOKEN", "test-token")
    yield fake, address
    server.shutdown()
    server.server_close()


def set_next_review(page: Path, due: str) -> None:
    text = page.read_text(encoding="utf-8")
    page.write_text(re.sub(r"next_review: \S+", f"next_review: {due}", text, count=1))


def test_one_issue_per_due_page_and_one_for_broken_links_never_duplicated(
    github: tuple[FakeGitHub, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake, address = github
    project = copy_site_sources(tmp_path / "project")
    docs = project / "docs"
    set_next_review(docs / "stages/tolerance.md", "2027-02-20")  # overdue
    set_next_review(docs / "about.md", "2027-03-31")  # due in 30 days
    set_next_review(docs / "glossary.md", "2027-04-01")  # 31 days: not yet
    with (docs / "stages/clearance.md").open("a", encoding="utf-8") as page:
        page.write(f"\nSee [this]({address}/web/gone) and [that]({address}/web/ok).\n")
    arguments = ["--root", str(project), "--today", TODAY]

    assert reminders.main(arguments) == 0
    assert fake.open_titles() == [
        "Broken links to other websites",
        "Review due 2027-02-20: docs/stages/tolerance.md",
        "Review due 2027-03-31: docs/about.md",
    ]
    assert fake.tokens == {"Bearer test-token"}
    bodies = {str(issue["title"]): str(issue["body"]) for issue in fake.issues.values()}
    assert (
        "was due on 2027-02-20 (9 days ago)"
        in bodies["Review due 2027-02-20: docs/stages/tolerance.md"]
    )
    assert "is due on 2027-03-31 (in 30 days)" in bodies["Review due 2027-03-31: docs/about.md"]
    links = bodies["Broken links to other websites"]
    assert "/web/gone' is broken (HTTP 404)" in links and "/web/ok" not in links

    # A week later: the open issues are updated in place; only the glossary, now due
    # within 30 days, gets a new one.
    before = {number: dict(issue) for number, issue in fake.issues.items()}
    assert reminders.main(["--root", str(project), "--today", "2027-03-08"]) == 0
    assert len(fake.issues) == 4
    assert fake.issues[4]["title"] == "Review due 2027-04-01: docs/glossary.md"
    overdue = next(n for n, i in before.items() if "tolerance" in str(i["title"]))
    assert "(16 days ago)" in str(fake.issues[overdue]["body"])
    assert fake.issues[overdue]["title"] == before[overdue]["title"]

    # The page reviewed and the link fixed: their issues close, the other stays.
    set_next_review(docs / "stages/tolerance.md", "2029-01-01")
    text = (docs / "stages/clearance.md").read_text(encoding="utf-8")
    (docs / "stages/clearance.md").write_text(text.replace("/web/gone", "/web/ok"))
    posts = sum(1 for method, _ in fake.requests if method == "POST")
    assert reminders.main(["--root", str(project), "--today", "2027-03-08"]) == 0
    assert fake.open_titles() == [
        "Review due 2027-03-31: docs/about.md",
        "Review due 2027-04-01: docs/glossary.md",
    ]
    assert sum(1 for method, _ in fake.requests if method == "POST") == posts
    assert "reminders: close #" in capsys.readouterr().out


def test_github_refusing_is_one_line_and_exit_1(
    github: tuple[FakeGitHub, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GITHUB_REPOSITORY", "someone/else")
    project = copy_site_sources(tmp_path / "project")
    set_next_review(project / "docs/about.md", "2027-02-01")
    assert reminders.main(["--root", str(project), "--today", TODAY]) == 1
    error = capsys.readouterr().err
    assert re.fullmatch(
        r"reminders: GitHub refused a request: GET http://127\.0\.0\.1:\d+/repos/someone/else/"
        r"issues\?\S+: HTTP 404\n",
        error,
    )


def reminder(key: str, body: str = "text") -> Reminder:
    return Reminder(key, f"title {key}", f"<!-- reminder: {key} -->\n{body}")


def issue(number: int, key: str | None, body: str = "text") -> Issue:
    marker = f"<!-- reminder: {key} -->\n" if key else ""
    return Issue(number, f"title {key}", f"{marker}{body}")


def test_the_plan_creates_updates_and_closes_by_marker() -> None:
    wanted = [reminder("review a.md"), reminder("review b.md", "new text"), reminder("links")]
    existing = [
        issue(3, "review b.md", "old text"),
        issue(4, "review a.md"),
        issue(5, "review gone.md"),
        issue(6, None),  # someone's own issue: never touched
        issue(7, "review a.md"),  # a duplicate left by hand
    ]
    assert plan(wanted, existing) == [
        Action("close", None, 7),
        Action("update", wanted[1], 3),
        Action("create", wanted[2]),
        Action("close", None, 5),
    ]
    assert key_of(issue(1, "review x.md")) == "review x.md"
    assert key_of(Issue(1, "t", "no marker <!-- reminder: x -->")) is None
    assert plan(wanted[:1], [issue(4, "review a.md")]) == []
