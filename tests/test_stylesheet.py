"""One stylesheet per page: Material's, its palette's and the site's, joined by the hook in the
order Material linked them, so the first paint waits for one request, not three."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import material
from mkdocs.utils.yaml import yaml_load

from conftest import REPO_ROOT
from html_pages import parse
from render.stylesheet import joined

MATERIAL_STYLESHEETS = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"


def material_stylesheet(pattern: str) -> bytes:
    [path] = MATERIAL_STYLESHEETS.glob(pattern)
    return path.read_bytes()


def test_every_page_links_one_stylesheet_holding_all_three_in_order(built_site: Path) -> None:
    config = yaml_load((REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    expected = joined(
        [
            material_stylesheet("main.*.min.css"),
            material_stylesheet("palette.*.min.css"),
            *((REPO_ROOT / "docs" / name).read_bytes() for name in config["extra_css"]),
        ]
    )
    pages = [*built_site.rglob("index.html"), built_site / "404.html"]
    assert len(pages) >= 10
    linked = set()
    for page in pages:
        hrefs = parse(page).xpath("//link[@rel='stylesheet']/@href")
        assert len(hrefs) == 1, f"{page}: {hrefs}"
        base = "/" if page.name == "404.html" else page.relative_to(built_site).as_posix()
        linked.add(urljoin("/" + base.lstrip("/"), hrefs[0]))
    [address] = linked  # the same file from every page
    assert (built_site / address.lstrip("/")).read_bytes() == expected


def test_source_map_comments_are_left_out_of_the_joined_file() -> None:
    main = b"a{color:red}\n/*# sourceMappingURL=main.min.css.map*/\n"
    site = b"/* site */\nb{color:blue}\n"
    assert joined([main, site]) == b"a{color:red}\n/* site */\nb{color:blue}\n"
