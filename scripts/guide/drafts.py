"""Text that marks a page as not ready: what `make new-stage` writes, and the editors' own
markers. The validator refuses to publish a page that still holds any of it."""

from __future__ import annotations

import re

# What `make new-stage` writes for the editor to replace.
PLACEHOLDER_SUMMARY = "Summary to be written."
PLACEHOLDER_OPENING = (
    "Write a short opening paragraph here: what this stage is for, in plain words."
)
PLACEHOLDER_BODY = "Describe what happens, using only facts from the source material."
PLACEHOLDERS = (PLACEHOLDER_SUMMARY, PLACEHOLDER_OPENING, PLACEHOLDER_BODY)

# Markers editors put in on purpose (CONTRIBUTING.md): capitals, as whole words.
_MARKER = re.compile(r"\b(TODO|FIXME|TBD|DRAFT)\b")


def draft_marks(text: str) -> list[tuple[int, str]]:
    """(line, what) for every placeholder or draft marker in `text`."""
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        folded = " ".join(line.split())
        for placeholder in PLACEHOLDERS:
            if placeholder[:30] in folded:
                found.append((number, f"the placeholder '{placeholder[:30]}...'"))
        found += [(number, f"the draft marker '{m.group(1)}'") for m in _MARKER.finditer(line)]
    return found
