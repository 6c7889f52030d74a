"""The example outputs in README.md and CONTRIBUTING.md, and the mistakes they show.

Each example is a ```text block straight after a comment that names the change made to
the site and the command an editor runs:

    <!-- example "misspelt stage page": make validate -->

tests/test_docs_examples.py runs that command, through `make` as editors do, on a
temporary copy of the site with that change made, and compares what it prints with the
block. After a change that alters what the commands print, write the real output into
the blocks with:

    .venv/bin/python tests/docs_examples.py --update
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ("README.md", "CONTRIBUTING.md")
EXAMPLE = re.compile(
    r'<!-- example "(?P<change>[^"]+)": (?P<command>[^\n]+?) -->\n\n?'
    r"```text\n(?P<output>.*?)^```$",
    re.MULTILINE | re.DOTALL,
)
TEXT_BLOCK = re.compile(r"^```text$", re.MULTILINE)
# make's own last line when a command fails; the guide tells editors about it once.
MAKE_FAILED = re.compile(r"^make: \*\*\* \[.*\] Error \d+$")

Change = Callable[[Path], None]


def replace(path: str, old: str, new: str) -> Change:
    def change(site: Path) -> None:
        file = site / path
        text = file.read_text(encoding="utf-8")
        if old not in text:
            raise AssertionError(f"{old!r} is not in {path}: the example's change needs updating")
        file.write_text(text.replace(old, new, 1), encoding="utf-8")

    return change


def append(path: str, text: str) -> Change:
    """Add `text` at the end of the file, creating it (and its folder) if need be."""

    def change(site: Path) -> None:
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        with (site / path).open("a", encoding="utf-8") as file:
            file.write(text)

    return change


def both(*changes: Change) -> Change:
    def change(site: Path) -> None:
        for each in changes:
            each(site)

    return change


FOOTER_AND_TYPO = append(
    "docs/stages/tolerance.md",
    "\nPrevious stage: Immune regulation\n\nNext stage: Immune blockage\n\n"
    "More about medicines: [Immune blockage](blokage.md)\n",
)
FAQ_FOLDER = both(
    replace(
        "mkdocs.yml",
        "  - Glossary: glossary.md\n",
        "  - Questions: questions/\n  - Glossary: glossary.md\n",
    ),
    *(
        append(
            f"docs/questions/ckd_and_hiv/{name}.md",
            f"---\nlast_reviewed: 2026-11-21\nnext_review: 2027-11-21\n---\n\n# {title}\n\nText.\n",
        )
        for name, title in (("first-visit", "Your first visit"), ("medicines", "Medicines"))
    ),
    append(
        "docs/questions/ckd_and_hiv/.nav.yml",
        "title: Kidney disease and HIV\nnav:\n  - medicines.md\n  - first-vist.md\n",
    ),
)

# What each example did to the site before running its command.
CHANGES: dict[str, Change] = {
    "nothing changed": lambda site: None,
    "misspelt stage page": replace(
        "docs/_data/stages.yml", "page: stages/tolerance.md", "page: stages/tolerence.md"
    ),
    "old footer and a mistyped link": FOOTER_AND_TYPO,
    "unknown key in stages.yml": replace(
        "docs/_data/stages.yml",
        "    page: stages/clearance.md\n",
        "    page: stages/clearance.md\n    colour: green\n",
    ),
    "misspelt macro value": replace("docs/about.md", "{{ contact_url }}", "{{ contact_ur }}"),
    "renamed stage page, stage line forgotten": both(
        replace("docs/_data/stages.yml", "id: regulation", "id: balance"),
        replace("docs/_data/stages.yml", "stages/regulation.md", "stages/balance.md"),
        lambda site: (site / "docs/stages/regulation.md").rename(site / "docs/stages/balance.md"),
    ),
    "misspelt page in a folder's .nav.yml": FAQ_FOLDER,
    "stage renamed, move not recorded": both(
        replace("docs/_data/stages.yml", "id: tolerance", "id: acceptance"),
        replace("docs/_data/stages.yml", "stages/tolerance.md", "stages/acceptance.md"),
        replace("docs/stages/tolerance.md", "stage: tolerance", "stage: acceptance"),
        lambda site: (site / "docs/stages/tolerance.md").rename(site / "docs/stages/acceptance.md"),
    ),
    "stage title changed, old title in a link": replace(
        "docs/_data/stages.yml", "title: Immune blockage", "title: Immune blocking stage"
    ),
}


@dataclass(frozen=True)
class Example:
    document: str
    change: str
    command: str
    shown: str  # the block as the document has it
    start: int  # where the block's text starts in the document
    end: int

    @property
    def expected(self) -> str:
        """The block without the command line some examples show first ('$ make ...')."""
        lines = self.shown.splitlines()
        if lines and lines[0] == f"$ {self.command}":
            lines = lines[1:]
        return "\n".join(lines)


def examples(document: str) -> list[Example]:
    text = (REPO_ROOT / document).read_text(encoding="utf-8")
    return [
        Example(
            document,
            match["change"],
            match["command"],
            match["output"].rstrip("\n"),
            match.start("output"),
            match.end("output"),
        )
        for match in EXAMPLE.finditer(text)
    ]


def unmarked_blocks(document: str) -> list[int]:
    """Lines of ```text blocks that no example comment names: output nobody checks."""
    text = (REPO_ROOT / document).read_text(encoding="utf-8")
    marked = {example.start for example in examples(document)}
    return [
        text.count("\n", 0, block.start()) + 1
        for block in TEXT_BLOCK.finditer(text)
        if block.end() + 1 not in marked
    ]


def site_with_change(change: str, destination: Path) -> Path:
    """A copy of what the commands read, reviews current as of today, with `change` made."""
    destination.mkdir(parents=True)
    for name in ("Makefile", "mkdocs.yml", "docs", "overrides", "scripts"):
        source = REPO_ROOT / name
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(source, destination / name, ignore=ignore)
        else:
            shutil.copy2(source, destination / name)
    # The examples are about their mistakes, not about the day they are read: every page
    # was reviewed yesterday, so no "review due soon" warning appears as time passes.
    today = date.today()
    for page in (destination / "docs").rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^last_reviewed: \S+", f"last_reviewed: {today - timedelta(1)}", text)
        text = re.sub(r"(?m)^next_review: \S+", f"next_review: {today + timedelta(364)}", text)
        page.write_text(text, encoding="utf-8")
    CHANGES[change](destination)
    return destination


def run(command: str, site: Path) -> str:
    """What `command` (a make target, as an editor types it) prints in `site`."""
    words = shlex.split(command)
    if words[0] != "make":
        raise AssertionError(f"examples run make targets, not {words[0]!r}")
    venv = Path(sys.executable).parent.parent
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}
    }
    result = subprocess.run(
        # The copy uses the repository's .venv, which make must not try to reinstall.
        [
            "make",
            f"VENV={venv}",
            "-o",
            f"{venv}/.installed",
            "-o",
            f"{venv}/.installed-site",
            *words[1:],
        ],
        cwd=site,
        env={**environment, "PYTHONUNBUFFERED": "1"},  # stdout and stderr in terminal order
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
        check=False,
    )
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    return "\n".join(line for line in lines if not MAKE_FAILED.match(line))


def real_output(example: Example) -> str:
    with tempfile.TemporaryDirectory() as folder:
        return run(example.command, site_with_change(example.change, Path(folder) / "site"))


def update() -> None:
    """Write each command's real output into its example block."""
    for document in DOCUMENTS:
        path = REPO_ROOT / document
        text = path.read_text(encoding="utf-8")
        for example in reversed(examples(document)):
            command_line = [f"$ {example.command}"] if example.shown != example.expected else []
            block = "\n".join([*command_line, real_output(example)]) + "\n"
            text = text[: example.start] + block + text[example.end :]
        path.write_text(text, encoding="utf-8")
        print(f"{document}: {len(examples(document))} examples written")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        raise SystemExit("usage: .venv/bin/python tests/docs_examples.py --update")
    update()
