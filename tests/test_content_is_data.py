"""Content is data: text from the data files is never a template, and pages that are
templates get a sandbox with the project's names only, in the validator and in the build."""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
import pytest
from jinja2.sandbox import SecurityError

import validate
from conftest import copy_site_sources, run_mkdocs_build
from html_pages import parse, stage_title
from render.page_jinja import PageSandbox

TODAY = "2026-11-21"


def check(site: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = validate.main(["--root", str(site), "--today", TODAY])
    return code, capsys.readouterr().out.splitlines()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_title_with_jinja_is_shown_as_written_and_never_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = tmp_path / "ran"
    title = (
        "Exact diagnosis {{ 6 * 7 }} {% raw %}kept{% endraw %} "
        f"{{{{ lipsum.__globals__.os.popen('touch {marker}').read() }}}}"
    )
    site = copy_site_sources(tmp_path / "project")
    stages = site / "docs" / "_data" / "stages.yml"
    edit(stages, "title: Exact diagnosis", f"title: {json.dumps(title)}")
    # On a page that is a template too: its title must still not be rendered.
    page = site / "docs" / "stages" / "diagnosis.md"
    edit(page, "---\n", "---\nrender_macros: true\n")
    code, lines = check(site, capsys)
    assert code == 0, lines
    result = run_mkdocs_build(site, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    assert not marker.exists()
    html = parse(tmp_path / "site" / "stages" / "diagnosis" / "index.html")
    assert stage_title(html) == title
    assert title in html.findtext(".//title")
    assert title in html.xpath("string(//nav)")
    assert "42" not in html.xpath("string(//h1)")


@pytest.mark.parametrize(
    ("jinja", "message"),
    [
        ("{{ lipsum.__globals__.os.environ.HOME }}", "unknown name 'lipsum'"),
        ("{{ stage_overview.__globals__ }}", "'__globals__' reaches into Python's internals"),
        ("{{ config.extra.contact_url }}", "unknown name 'config'"),
        ("{{ environment }}", "unknown name 'environment'"),
        ("{% include '/etc/passwd' %}", "'{% include %}' is not allowed in pages"),
        ("{% import 'x.md' as x %}", "'{% import %}' is not allowed in pages"),
        ("{{ cycler(1, 2).next() }}", "unknown name 'cycler'"),
        ("{{ namespace(a=1) }}", "unknown name 'namespace'"),
        ("{{ contact_url.__class__.__mro__ }}", "'__class__' reaches into Python's internals"),
        ("{{ stage_overview['__globals__'] }}", "'__globals__' reaches into Python's internals"),
    ],
)
def test_page_jinja_reaches_only_the_projects_names(
    jinja: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = copy_site_sources(tmp_path / "project")
    about = site / "docs" / "about.md"
    text = about.read_text(encoding="utf-8")
    line = text.count("\n") + 3
    about.write_text(f"{text}\n\n{jinja}\n", encoding="utf-8")
    code, lines = check(site, capsys)
    assert code == 1
    assert any(f"docs/about.md:{line}: " in row and message in row for row in lines), lines
    result = run_mkdocs_build(site, tmp_path / "site")
    assert result.returncode != 0
    assert "Traceback" not in result.stdout
    assert not (tmp_path / "site" / "about" / "index.html").exists()


def test_jinja_on_a_page_that_is_not_a_template_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = copy_site_sources(tmp_path / "project")
    page = site / "docs" / "stages" / "tolerance.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(f"{text}\nAsk about {{{{ stage_overview() }}}}.\n\n`{{{{ in code }}}}`\n")
    code, lines = check(site, capsys)
    line = text.count("\n") + 2
    assert code == 1
    assert [row for row in lines if "not a template" in row] == [
        f"docs/stages/tolerance.md:{line}: this page is not a template, so '{{{{' or '{{%' "
        "would be shown to readers as it is: add 'render_macros: true' to the front matter "
        "to use a macro, or put the text in `code`"
    ]
    # The build agrees that the page is not a template: the braces reach the reader as written.
    assert run_mkdocs_build(site, tmp_path / "site").returncode == 0
    assert (
        "{{ stage_overview() }}"
        in (tmp_path / "site" / "stages" / "tolerance" / "index.html").read_text()
    )


def test_the_sandbox_passes_declared_names_only() -> None:
    base = jinja2.Environment(undefined=jinja2.StrictUndefined)
    base.globals["shown"] = lambda: "ok"
    sandbox = PageSandbox(base, {"shown", "value"})
    assert sandbox.from_string("{{ shown() }} {{ value }}").render(value=1, other=2) == "ok 1"
    with pytest.raises(jinja2.UndefinedError):
        sandbox.from_string("{{ other }}").render(other=2)
    with pytest.raises(jinja2.UndefinedError):
        sandbox.from_string("{{ lipsum }}").render()
    with pytest.raises(SecurityError):
        sandbox.from_string("{{ shown.__globals__ }}").render()
    with pytest.raises(TypeError, match="no loader"):
        sandbox.from_string("{% include 'x' %}").render()
