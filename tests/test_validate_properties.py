"""Property tests: random and broken input only ever comes back as problems, never a crash."""

from __future__ import annotations

import html
import re
import string
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from checks.links import DocsIndex, link_problems
from checks.markdown import scan_page
from checks.order_claims import order_claim_problems
from checks.reviews import review_date_problems
from checks.site_html import SiteIndex, _scan, reference_problem, scan_html
from conftest import markdown_engine
from guide.problems import Problem
from guide.stages import StageProgram, read_stages

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
STAGES_FILE = Path(__file__).parent / "fixtures" / "clean" / "docs" / "_data" / "stages.yml"
PROGRAM = StageProgram(tuple(read_stages(STAGES_FILE)[0]))

# Pieces of YAML and Markdown that tend to break naive parsers, mixed with any text.
YAML_BITS = st.sampled_from(
    ["stages:", "\n  - ", "id: x", "title: ", "page: stages/x.md", "[", "]", "{", "}", ": ",
     "- ", "&a", "*a", "!!python/name:os.system", "---\n", "\t", "'", '"', "\n", "aliases: ",
     "? ", "%YAML 1.1\n", "\ufeff", "2026-02-30", "~"]
)  # fmt: skip
MARKDOWN_BITS = st.sampled_from(
    ["# ", "## ", "\n", "\n\n", "---\n", "last_reviewed: 2026-01-01\n", "next_review: x\n",
     "next_review: 2026-02-30\n", "stage: blockage\n", "[", "]", "(", ")", "![", "](",
     "<", ">", "`", "```\n", "    ",
     "{{", "}}", "{%", "%}", "{#", "#}", "{ #id }", "#", "Previous: ", "Next: ",
     "render_macros: true\n", "a: &x [1]\n", "b: *x\n", "next_review: 9999-12-31\n",
     "last_reviewed: 9999-12-31\n", "draft: true\n", "TODO", "<script>", "{{ lipsum }}",
     "Immune blockage", "comes after ", "the fourth step", "stage 4 of ", "https://",
     "../", "a.md", "#frag", "<!--", "-->", "=====\n", "[x]: ", "\r\n", "\x00", "é"]
)  # fmt: skip
HTML_BITS = st.sampled_from(
    ["<a ", "href=", "src=", "srcset=", "id=", "name=", '"', "'", ">", "</a>", "<script>",
     "</script>", "<!--", "-->", "../", "/", "#", "?", "%zz", "&amp;", "\n", "http://",
     "mailto:", ", ", " 2x"]
)  # fmt: skip


def text_of(bits: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(bits, st.text(max_size=8)), max_size=40).map("".join)


def only_problems(found: object) -> None:
    assert isinstance(found, list)
    assert all(isinstance(problem, Problem) for problem in found)


@SETTINGS
@given(text=text_of(YAML_BITS))
def test_read_stages_never_raises(tmp_path_factory, text: str) -> None:
    path = tmp_path_factory.mktemp("yaml") / "stages.yml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    stages, problems = read_stages(path, "docs/_data/stages.yml")
    only_problems(problems)
    assert stages or problems


@SETTINGS
@given(data=st.binary(max_size=200))
def test_read_stages_never_raises_on_bytes(tmp_path_factory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("bytes") / "stages.yml"
    path.write_bytes(data)
    only_problems(read_stages(path)[1])


@SETTINGS
@given(text=text_of(MARKDOWN_BITS), stage_index=st.integers(0, len(PROGRAM) - 1))
def test_page_checks_never_raise(text: str, stage_index: int) -> None:
    stage = PROGRAM.stages[stage_index]
    page = scan_page(text, stage.page, f"docs/{stage.page}", markdown_engine())
    only_problems(page.problems)
    only_problems(review_date_problems(page, date(2026, 11, 21)))
    only_problems(order_claim_problems(page.prose, page.shown_as, stage, PROGRAM))
    index = DocsIndex(
        pages={page.path: page},
        assets=frozenset({"assets/a.png"}),
        unpublished=frozenset(),
        folders=frozenset({"stages"}),
        program=PROGRAM,
    )
    problems, _ = link_problems(page, index)
    only_problems(problems)
    assert text.count("\n") + text.count("\r") + 1 >= max((p.line for p in problems), default=1)


@SETTINGS
@given(text=text_of(HTML_BITS))
def test_site_checks_never_raise(text: str) -> None:
    page = scan_html(text)
    index = SiteIndex(
        frozenset({"index.html", "a/index.html"}),
        frozenset({"a"}),
        {"index.html": page, "a/index.html": page},
        "https://example.org/guide/",
    )
    for reference in page.references:
        message = reference_problem("a/index.html", reference, index)
        assert message is None or isinstance(message, str)


# The site check's scanner is tuned for speed (a search that starts at the attribute's
# name, regions found by one search each); this is what it must find, written plainly.
_PLAIN_ATTRIBUTE = re.compile(r"""\s(href|src|srcset|id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
SCAN_BITS = st.sampled_from(
    ["<a ", "<A\t", " href=", "\nhref =", " src= ", " srcset=", " id=", "data-id=", " name=",
     "xname=", '"', "'", ">", "<script>", "<SCRIPT src=x>", "</script>", "</Script>",
     "<style>", "</STYLE>", "<!--", "-->", "<!-", "&amp;", "a, b 2x", "\n", " "]
)  # fmt: skip


def plain_scan(text: str) -> tuple[set[str], list[tuple[int, str, str]]]:
    lower = text.lower()
    regions: list[tuple[int, int]] = []
    position = 0
    while True:
        found = [
            (at, opener)
            for opener in ("<!--", "<script", "<style")
            if (at := lower.find(opener, position)) >= 0
        ]
        if not found:
            break
        start, opener = min(found)
        if opener == "<!--":
            end = lower.find("-->", start + 4)
            region = (start, len(text) if end < 0 else end + 3)
        else:
            body = lower.find(">", start) + 1
            if body == 0:
                break
            end = lower.find(f"</{opener[1:]}", body)
            region = (body, len(text) if end < 0 else end)
        regions.append(region)
        position = max(region[1], start + 1)
    ids: set[str] = set()
    references: list[tuple[int, str, str]] = []
    for match in _PLAIN_ATTRIBUTE.finditer(text):
        at = match.start()
        if any(start <= at < end for start, end in regions):
            continue
        attribute, double, single = match.groups()
        value = html.unescape(double if double is not None else single)
        if attribute == "id":
            ids.add(value)
        elif attribute == "name":
            tag = text.rfind("<", 0, at)
            if tag >= 0 and text[tag + 1 : tag + 3].lower() in ("a ", "a\t", "a\n"):
                ids.add(value)
        elif attribute == "srcset":
            references += [
                (at, attribute, part.split()[0]) for part in value.split(",") if part.split()
            ]
        else:
            references.append((at, attribute, value.strip()))
    return ids, references


@settings(max_examples=600, deadline=None)
@example('<a data-id="x" xname="y" href="z id=\'in-value\'">')
@example('<SCRIPT src="a.js"> href="in-script" </Script> href="after"')
@example('<style> id="in-style" </STYLE><!-- src="in-comment" --> src="b.png"')
@example('<a\tname="n" srcset="a.png 1x, b.png 2x">&amp;')
@given(
    text=st.lists(st.one_of(SCAN_BITS, st.text(string.printable, max_size=6)), max_size=60).map(
        "".join
    )
)
def test_the_fast_site_scan_finds_what_the_plain_one_finds(text: str) -> None:
    assert _scan(text) == plain_scan(text)
