"""Every example output in README.md and CONTRIBUTING.md is what the command really prints,
on a copy of the site with the mistake the example describes (see docs_examples.py)."""

from __future__ import annotations

import pytest

from docs_examples import CHANGES, DOCUMENTS, Example, examples, real_output, unmarked_blocks

EXAMPLES = [example for document in DOCUMENTS for example in examples(document)]


@pytest.mark.parametrize(
    "example", EXAMPLES, ids=[f"{e.document}: {e.change}: {e.command}" for e in EXAMPLES]
)
def test_example_output_is_what_the_command_prints(example: Example) -> None:
    assert example.change in CHANGES, f"no change called {example.change!r} in docs_examples.py"
    assert real_output(example) == example.expected, (
        f"{example.document}: the example no longer matches; "
        "run '.venv/bin/python tests/docs_examples.py --update' and read the diff"
    )


def test_every_output_block_is_a_checked_example() -> None:
    unchecked = {document: unmarked_blocks(document) for document in DOCUMENTS}
    assert unchecked == {document: [] for document in DOCUMENTS}, (
        "these ```text blocks (by line) have no <!-- example ... --> comment above them"
    )


def test_the_documents_hold_the_examples_editors_need() -> None:
    # A comment typo would otherwise turn an example into an unchecked block silently
    # (caught above) or drop it from the list: every change is shown somewhere.
    assert {example.change for example in EXAMPLES} == set(CHANGES)
