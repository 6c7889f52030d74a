"""Unit tests of the stage model: the one loader every consumer uses."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from guide.glossary import read_glossary
from guide.stages import (
    STAGES_FILE,
    StageFileError,
    expand_stage_placeholder,
    load_stages,
    read_stages,
    stage_nav,
)

REAL_STAGES = Path(__file__).resolve().parent.parent / "docs" / STAGES_FILE

TWO_STAGES = """\
stages:
  - id: first
    title: First stage
    label: First
    summary: The one that starts it.
    page: stages/first.md
  - id: second
    title: Second stage
    label: Second
    summary: The one that ends it.
    aliases: [closing stage]
    page: stages/second.md
"""


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "stages.yml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(dedent(text), encoding="utf-8")
    return path


def messages(tmp_path: Path, text: str | bytes) -> list[str]:
    _, problems = read_stages(write(tmp_path, text), shown_as="stages.yml")
    return [str(problem) for problem in sorted(problems)]


def test_real_ordering_file_gives_the_decided_order() -> None:
    program = load_stages(REAL_STAGES)
    assert [stage.id for stage in program] == [
        "diagnosis",
        "clearance",
        "blockage",
        "tolerance",
        "regulation",
        "protection",
    ]
    assert [stage.number for stage in program] == [1, 2, 3, 4, 5, 6]
    blockage = program.stage_for("stages/blockage.md")
    assert blockage is not None and "immune blocking" in blockage.aliases
    regulation = program.stage_for("stages/regulation.md")
    assert regulation is not None and "immune adjustment" in regulation.aliases


def test_stages_are_numbered_in_file_order_with_neighbours(tmp_path: Path) -> None:
    program = load_stages(write(tmp_path, TWO_STAGES))
    first, second = program.stages
    assert (first.number, second.number) == (1, 2)
    assert (first.line, second.line) == (2, 7)
    assert second.names == ("Second stage", "closing stage")
    assert program.previous(first) is None and program.next(first) == second
    assert program.previous(second) == first and program.next(second) is None
    assert program.stage_for("stages/second.md") == second
    assert program.stage_for("index.md") is None


def test_missing_field_names_stage_and_line(tmp_path: Path) -> None:
    text = TWO_STAGES.replace("    label: Second\n", "")
    assert messages(tmp_path, text) == ["stages.yml:7: stage 'second': missing label"]


def test_wrong_type_and_unknown_key_are_both_reported(tmp_path: Path) -> None:
    text = TWO_STAGES.replace("title: First stage", "title: 42").replace(
        "    label: Second\n", "    label: Second\n    colour: blue\n"
    )
    assert messages(tmp_path, text) == [
        "stages.yml:3: stage 'first': 'title' must be text",
        "stages.yml:10: stage 'second': unknown key 'colour' "
        "(allowed: id, title, label, summary, page, aliases, moved_from)",
    ]


def test_duplicate_id_and_page_point_at_the_first_use(tmp_path: Path) -> None:
    text = TWO_STAGES.replace("id: second", "id: first").replace(
        "stages/second.md", "stages/first.md"
    )
    assert messages(tmp_path, text) == [
        "stages.yml:7: stage 'first': id 'first' is already used by the stage at line 2",
        "stages.yml:7: stage 'first': page 'stages/first.md' is already used by "
        "the stage at line 2",
    ]


def test_a_name_used_by_two_stages_is_reported(tmp_path: Path) -> None:
    text = TWO_STAGES.replace("[closing stage]", "[first STAGE]")
    assert messages(tmp_path, text) == [
        "stages.yml:7: stage 'second': name 'first STAGE' is already used by stage 'first'"
    ]


def test_bad_id_and_page_outside_docs(tmp_path: Path) -> None:
    text = TWO_STAGES.replace("id: first", "id: First Stage").replace(
        "stages/second.md", "../second.md"
    )
    assert messages(tmp_path, text) == [
        "stages.yml:2: stage 'First Stage': id must start with a letter "
        "and use only a-z, 0-9 and hyphens",
        "stages.yml:12: stage 'second': page must be a .md path inside docs/, like 'stages/x.md'",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "stages.yml:1: file is empty"),
        (
            "stages: [\n  - id: x\n",
            "stages.yml:2: YAML syntax error: expected the node content, but found '-'",
        ),
        ("- id: x\n", "stages.yml:1: expected a mapping with a 'stages:' list at the top level"),
        ("stages: []\n", "stages.yml:1: 'stages' must be a non-empty list"),
        ("order: []\n", "stages.yml:1: missing 'stages:' list"),
        (
            "stages:\n  - just a name\n",
            "stages.yml:2: each stage must be a mapping with id, title, label, summary, page",
        ),
        (
            b"stages:\n  - id: caf\xe9\n",
            "stages.yml:2: not valid UTF-8 (byte 0xe9); save the file as UTF-8",
        ),
    ],
)
def test_broken_files_give_one_located_problem(
    tmp_path: Path, text: str | bytes, expected: str
) -> None:
    found = messages(tmp_path, text)
    assert found[0] == expected
    assert all(line.startswith("stages.yml:") for line in found)


def test_duplicate_key_in_one_stage(tmp_path: Path) -> None:
    text = TWO_STAGES.replace("    label: First\n", "    label: First\n    title: Again\n")
    assert messages(tmp_path, text) == ["stages.yml:5: 'title' is given twice in a stage"]


def test_load_stages_raises_with_every_problem(tmp_path: Path) -> None:
    text = TWO_STAGES.replace("    label: First\n", "").replace("    label: Second\n", "")
    with pytest.raises(StageFileError) as raised:
        load_stages(write(tmp_path, text), shown_as="stages.yml")
    assert str(raised.value) == (
        "stages.yml:2: stage 'first': missing label\nstages.yml:6: stage 'second': missing label"
    )


def test_placeholder_in_nav_becomes_numbered_stages(tmp_path: Path) -> None:
    program = load_stages(write(tmp_path, TWO_STAGES))
    nav = [{"Home": "index.md"}, {"Guide": [{"Stages": STAGES_FILE}]}, "about.md"]
    expanded, found = expand_stage_placeholder(nav, program)
    assert found
    assert expanded == [
        {"Home": "index.md"},
        {"Guide": [{"Stages": stage_nav(program)}]},
        "about.md",
    ]
    assert stage_nav(program) == [
        {"1. First stage": "stages/first.md"},
        {"2. Second stage": "stages/second.md"},
    ]
    assert expand_stage_placeholder([{"Home": "index.md"}], program) == (
        [{"Home": "index.md"}],
        False,
    )


def test_glossary_reader_gives_terms_and_located_problems(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yml"
    path.write_text(
        "terms:\n"
        "  - term: kidney\n    definition: An organ that cleans the blood.\n"
        "    also: [kidneys]\n"
        "  - term: Kidney\n    definition: Again.\n"
        "  - term: renal\n",
        encoding="utf-8",
    )
    terms, problems = read_glossary(path, shown_as="glossary.yml")
    assert [term.term for term in terms] == ["kidney"]
    assert terms[0].forms == ("kidney", "kidneys", "Kidney", "Kidneys")
    assert [str(problem) for problem in problems] == [
        "glossary.yml:5: term 'Kidney' is defined twice",
        "glossary.yml:7: glossary entry: missing definition",
    ]
