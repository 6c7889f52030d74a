"""Raw HTML that would run code or reach another website is refused at the source, with
its line; what editors ordinarily write passes. Both lists are written as an attacker and
as an editor would, not from the scanner."""

from __future__ import annotations

import time

import pytest

from checks.content_safety import unsafe_content_problems
from checks.markdown import scan_page
from conftest import markdown_engine

UNSAFE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=x.js></SCRIPT>",
    "<svg><script>alert(1)</script></svg>",
    '<img src="x.png" onerror="alert(1)">',
    "<IMG SRC=x OnError=alert(1)>",
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="  JaVaScRiPt:alert(1)">click</a>',
    '<a href="java&#x09;script:alert(1)">click</a>',
    '<a href="javascript&colon;alert(1)">click</a>',
    '<a href="vbscript:msgbox(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">click</a>',
    '<iframe src="https://example.org"></iframe>',
    '<iframe srcdoc="<p>hi</p>"></iframe>',
    '<object data="x.swf"></object>',
    '<embed src="x.swf">',
    '<img src="https://tracker.example/pixel.gif">',
    '<img src="//tracker.example/pixel.gif">',
    '<img srcset="https://cdn.example/x.png 1x, y.png 2x">',
    '<video poster="https://cdn.example/p.jpg"></video>',
    '<link rel="stylesheet" href="https://fonts.example/css">',
    '<p style="background:url(//evil.example/x.png)">text</p>',
    "<style>p { background: url('https://evil.example/x.png') }</style>",
    '<form><button formaction="javascript:alert(1)">go</button></form>',
    "![chart](https://cdn.example/chart.png)",
    '<base href="https://evil.example/">',
]
SAFE = [
    '<a href="https://www.nhs.uk/conditions/kidney-disease/">the NHS page</a>',
    "[the NHS page](https://www.nhs.uk/)",
    '<img src="../assets/diagram.svg" alt="A diagram">',
    "![A diagram](../assets/diagram.svg)",
    '<span class="note">Ask your care team.</span>',
    '<div markdown="1">**Important:** do not stop a medicine on your own.</div>',
    "Use the word script, or onload, or javascript: in a sentence.",
    "`<script>alert(1)</script>` shown as code",
    "```html\n<script>alert(1)</script>\n```",
    '<a href="mailto:questions@example.org">write to us</a>',
    '<a href="tel:+441234567890">call</a>',
    '<abbr title="chronic kidney disease">CKD</abbr>',
    '<p style="color: red">a warning</p>',
    "<!-- <script>alert(1)</script> a note for editors -->",
    '<a href="#why-this-stage-is-needed">why</a>',
    '<img src="data-table.png" alt="x">',
    "<details><summary>More</summary>Text.</details>",
    "A sentence with an <em>emphasis</em> and a <br> break.",
    '<a href="../stages/tolerance/">Immune tolerance</a>',
    "Fractions like 1 < 2 and 3 > 2 are fine.",
]
FRONT = "---\nlast_reviewed: 2026-11-21\nnext_review: 2027-11-21\n---\n\nIntro.\n\n"


def problems(snippet: str) -> list[str]:
    page = scan_page(FRONT + snippet + "\n", "about.md", "docs/about.md", markdown_engine())
    return [str(problem) for problem in unsafe_content_problems(page)]


@pytest.mark.parametrize("snippet", UNSAFE)
def test_code_and_other_websites_in_content_are_refused_on_their_line(snippet: str) -> None:
    found = problems(snippet)
    assert found, snippet
    assert all(line.startswith("docs/about.md:8: ") for line in found), found


@pytest.mark.parametrize("snippet", SAFE)
def test_what_editors_write_passes(snippet: str) -> None:
    assert problems(snippet) == []


@pytest.mark.parametrize("opener", ["<script ", "<a onclick=", "<img src=", "<", "<!--"])
def test_pathological_html_is_scanned_in_under_a_second(opener: str) -> None:
    start = time.perf_counter()
    problems(opener * (500_000 // len(opener)))
    assert time.perf_counter() - start < 1.5  # render is capped at 0.5 s, then skipped
