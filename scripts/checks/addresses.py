"""No published address ever breaks: every address of an earlier build still leads to a page,
itself or through a redirect that a move records; old stage titles are not used as links."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from mkdocs.structure.files import Files, get_files

from checks.engine import MarkdownEngine, read_config
from checks.markdown import Page
from guide.addresses import (
    MOVED_FROM,
    PUBLISHED_FILE,
    Published,
    address_of,
    address_of_url,
    merged,
    move_entry,
    page_move_problems,
    page_moves,
    published_text,
    read_published,
)
from guide.problems import Problem
from guide.stages import STAGES_FILE, Move, Stage, StageProgram, read_program

# Pages whose address is not one readers keep: the host serves 404.html for any miss.
UNKEPT_PAGES = frozenset({"404.md"})


def all_moves(program: StageProgram, pages: Iterable[Page]) -> list[Move]:
    """Every move the editors recorded: in stages.yml and in pages' front matter."""
    moves = list(program.moves)
    for page in pages:
        if MOVED_FROM in page.meta:
            line, value = page.meta[MOVED_FROM]
            moves += page_moves(value, page.path, page.shown_as, line)
    return moves


def current_addresses(files: Files, program: StageProgram) -> dict[str, tuple[str, ...]]:
    """The addresses this build publishes, with the title of the stage each one shows."""
    result: dict[str, tuple[str, ...]] = {}
    for file in files.documentation_pages():
        if file.inclusion.is_excluded() or file.src_uri in UNKEPT_PAGES:
            continue
        stage = program.stage_for(file.src_uri)
        result[address_of_url(file.url)] = (stage.title,) if stage else ()
    return result


def address_problems(
    engine: MarkdownEngine, program: StageProgram, pages: Mapping[str, Page], docs_dir: str
) -> list[Problem]:
    """Addresses published before that this change would turn into a 404, moves that cannot
    be written, pages not yet in the list, and links that still use an old stage title."""
    docs = Path(engine.config.docs_dir)
    published_shown = f"{docs_dir}/{PUBLISHED_FILE}"
    published, problems = read_published(docs / PUBLISHED_FILE, published_shown)
    use_directory_urls = engine.config.use_directory_urls
    current = current_addresses(engine.files, program)
    for page in pages.values():
        if MOVED_FROM in page.meta:
            line, value = page.meta[MOVED_FROM]
            problems += page_move_problems(value, page.shown_as, line)
    moves = all_moves(program, pages.values())
    problems += _move_problems(moves, pages, use_directory_urls)
    kept = set(current) | {address_of(move.old_page, use_directory_urls) for move in moves}
    stages_shown = f"{docs_dir}/{STAGES_FILE}"
    problems += [
        Problem(published_shown, entry.line, _broken_message(entry, stages_shown))
        for entry in published.values()
        if entry.address not in kept
    ]
    if published:
        problems += [
            Problem(
                f"{docs_dir}/{path}",
                1,
                f"this page's address '{address}' is not in {published_shown} yet: run "
                "'make build' and commit that file, so the address keeps working if the "
                "page moves",
                severity="warning",
            )
            for path, address in _pages_by_address(pages, use_directory_urls).items()
            if address in current and address not in published
        ]
    problems += _old_title_problems(program, pages.values(), published, moves, use_directory_urls)
    return problems


def _pages_by_address(pages: Mapping[str, Page], use_directory_urls: bool) -> dict[str, str]:
    return {path: address_of(path, use_directory_urls) for path in pages}


def _move_problems(
    moves: list[Move], pages: Mapping[str, Page], use_directory_urls: bool
) -> list[Problem]:
    """A redirect may not replace a page, nor be written twice, nor lead nowhere."""
    problems = []
    first: dict[str, Move] = {}
    for move in moves:
        earlier = first.setdefault(address_of(move.old_page, use_directory_urls), move)
        if move.old_page in pages:
            message = (
                f"'{move.old_page}' is a page now: a redirect would replace it; "
                "remove it from this list, or move that page first"
            )
        elif earlier is not move:
            message = (
                f"'{move.old_page}' is already recorded as moved at "
                f"{earlier.path}:{earlier.line}: keep one of the two"
            )
        elif move.new_page not in pages:
            message = f"'{move.old_page}' would lead to '{move.new_page}', which is not a page"
        else:
            continue
        problems.append(Problem(move.path, move.line, message))
    return problems


def _broken_message(entry: Published, stages_shown: str) -> str:
    if entry.titles:
        name = move_entry(entry.address, was_stage=True)
        return (
            f"address '{entry.address}' (stage '{entry.titles[-1]}') was published and "
            f"would now be a 404: if the stage was renamed or moved, add 'moved_from: "
            f"[{name}]' to its entry in {stages_shown}; if it was removed, add "
            f"'removed: [{name}]' at the end of {stages_shown}"
        )
    name = move_entry(entry.address, was_stage=False)
    return (
        f"address '{entry.address}' was published and would now be a 404: add "
        f"'{MOVED_FROM}: [{name}]' to the front matter of the page that replaces it"
    )


def _old_title_problems(
    program: StageProgram,
    pages: Iterable[Page],
    published: Mapping[str, Published],
    moves: list[Move],
    use_directory_urls: bool,
) -> list[Problem]:
    """Link text that is a title a stage was published under, and is no longer."""
    renamed: dict[str, Stage] = {}
    for stage in program:
        addresses = {address_of(stage.page, use_directory_urls)} | {
            address_of(move.old_page, use_directory_urls)
            for move in moves
            if move.new_page == stage.page
        }
        current = {name.casefold() for name in stage.names}
        for address in addresses & published.keys():
            for title in published[address].titles:
                if title.casefold() not in current:
                    renamed.setdefault(title.casefold(), stage)
    if not renamed:
        return []
    return [
        Problem(
            page.shown_as,
            link.line,
            f"link text '{link.text}' is the old name of a stage: it is now called "
            f"'{renamed[link.text.casefold()].title}'",
            severity="warning",
        )
        for page in pages
        for link in page.links
        if not link.image and link.text.casefold() in renamed
    ]


def record_published(config_file: Path, docs: Path) -> bool:
    """Add this build's addresses (and stage titles) to the list; True when it changed."""
    update = published_update(config_file, docs)
    if update is not None:
        path, text = update
        path.write_text(text, encoding="utf-8")
    return update is not None


def published_update(config_file: Path, docs: Path) -> tuple[Path, str] | None:
    """The list with this build's addresses (and stage titles) added, as (file, text); None
    when that changes nothing. Only a site with a stage order keeps the list (not a bare
    MkDocs project)."""
    if not (docs / STAGES_FILE).is_file():
        return None
    # MkDocs' reading of the config and the files, as the build's (no pages converted).
    config = read_config(config_file, docs)
    program, _ = read_program(docs / STAGES_FILE)
    path = docs / PUBLISHED_FILE
    published, _ = read_published(path, PUBLISHED_FILE)
    current = current_addresses(get_files(config), program)
    text = published_text(merged(published, current))
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return None
    return path, text
