"""One stylesheet instead of three: Material's, its palette's and the site's, joined in one file.

Every stylesheet linked in <head> holds back the first paint until it has arrived, and
on a slow phone each one is another request competing for the first round trips
(Lighthouse, mobile settings: see "Speed on a slow phone" in the README). The files are
joined in the order Material's base.html linked them (its main stylesheet, its palette's
when the theme has a palette, then `extra_css`), so the cascade is the same rule for rule.
The file's name carries a digest of what it holds: a browser that kept an older copy
fetches the new one as soon as any of the three changes.
"""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Sequence

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

# Material's own files, found by pattern (their names carry a digest that changes with
# every release of Material).
MATERIAL_MAIN = "assets/stylesheets/main.*.min.css"
MATERIAL_PALETTE = "assets/stylesheets/palette.*.min.css"
# A source map comment is read only at the very end of a file: inside the joined file it
# would point the browser's developer tools at the wrong map.
_SOURCE_MAP = b"/*# sourceMappingURL="


def joined_stylesheet(files: Files, config: MkDocsConfig) -> File:
    """The joined stylesheet, as a file for MkDocs to write with the others."""
    names = [_theme_file(files, MATERIAL_MAIN)]
    if config.theme.get("palette"):
        names.append(_theme_file(files, MATERIAL_PALETTE))
    names += [str(path) for path in config.extra_css]
    parts = []
    for name in names:
        file = files.get_file_from_path(name)
        if file is None:
            raise PluginError(f"the stylesheet '{name}' is not among the site's files")
        parts.append(file.content_bytes)
    content = joined(parts)
    digest = hashlib.sha256(content).hexdigest()[:8]
    return File.generated(config, f"assets/stylesheets/site.{digest}.css", content=content)


def joined(parts: Sequence[bytes]) -> bytes:
    """The stylesheets one after the other, each without its source map comment."""
    return b"\n".join(_without_source_map(part) for part in parts) + b"\n"


def _without_source_map(css: bytes) -> bytes:
    css = css.rstrip()
    start = css.rfind(_SOURCE_MAP)
    if start != -1 and css.endswith(b"*/") and b"*/" not in css[start:-2]:
        return css[:start].rstrip()
    return css


def _theme_file(files: Files, pattern: str) -> str:
    found = [file.src_uri for file in files if fnmatch.fnmatchcase(file.src_uri, pattern)]
    if len(found) != 1:
        raise PluginError(
            f"expected one of Material's stylesheets named '{pattern}', found {found or 'none'}: "
            "has Material changed how it names them?"
        )
    return found[0]
