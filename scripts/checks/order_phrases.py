"""Stage-page prose as the order check reads it: sentences of words, with stage names found.

Markdown is reduced to its text (code spans blanked, links and emphasis kept as words)
and cut into sentences at '.', '!', '?', blank lines, headings, list items and
'Next:' labels. A stage's title or alias (in any case) or its label (with a capital, as
a name) becomes one Word that carries the stage; 'this stage', 'this one' and 'it' carry
the page. One pass over the text; every later look-up is a window of a few words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checks.markdown import PLAIN_SUBSTITUTIONS
from guide.stages import Stage, StageProgram


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _numbered(text: str) -> dict[str, int]:
    return {word: number for number, word in enumerate(text.split(), start=1)}


LAST = -1  # the ordinal of 'last' and 'final'
CARDINALS = _numbered("one two three four five six seven eight nine ten eleven twelve")
ORDINALS = _numbered("first second third fourth fifth sixth seventh eighth ninth tenth")
ORDINALS |= {"last": LAST, "final": LAST}
STAGE_WORDS = word_set("stage step phase")
PLURAL_STAGE_WORDS = word_set("stages steps phases")
# What a stage is a stage of when it is this program (and not a disease, a test, a form).
PROGRAM_WORDS = word_set("program programme treatment immunotherapy therapy plan pathway")
COPULAS = word_set("is was are were be becomes remains isn't wasn't aren't")
# Between a subject and its verb, or a verb and its preposition: words that change
# nothing but whether the claim is denied, or 'straight' after.
VERB_GROUP = word_set(
    "also always usually normally generally typically often then now still only just right "
    "straight directly immediately closely soon shortly long well actually really both all "
    "will would can could should must may might shall does do did is are was were be been "
    "being has have had not never much doesn't don't didn't won't can't cannot"
)
IMMEDIATE = word_set("right straight directly immediately just next")
LOOSE = word_set("long well sometime later much eventually")
STOP = word_set(
    "and or but is are was were will can may has have to for with at on in of by that which "
    "who where when while as so then because before after it this you"
)
_YES_NO = word_set(
    "is are was were do does did can could will would should shall may might must has have "
    "had isn't aren't doesn't don't didn't can't couldn't won't wouldn't shouldn't"
)
_DETERMINERS = word_set("the this your our its their a an each whole full entire overall")
_TOKEN = re.compile(r"\w+(?:['\u2019-]\w+)*|[^\w\s]")
_LINE = re.compile(r"[^\n]*\n?")
_LABEL = r"(?:up[ \t]+next|next[ \t]+up|next|previous|prev)(?:[ \t]+(?:stage|step|page))?[ \t]*:"
# A line that starts a block: heading, list item, quote, table row, or a neighbour label;
# a heading or label line stands alone.
_BLOCK_START = re.compile(rf"[ \t]*(?:#|>|\||[-*+][ \t]|\d+[.)][ \t]|{_LABEL})", re.I)
_ALONE = re.compile(rf"[ \t]*(?:#|{_LABEL})", re.IGNORECASE)
_THIS_NOUNS = word_set("stage step phase page one part")
_THIS_VERBS = COPULAS | word_set("will comes follows leads builds precedes happens starts")
_THIS_VERBS |= word_set("begins takes lays completes does can must")


def negates(word: str) -> bool:
    return word in ("not", "never") or word.endswith("n't")


@dataclass(frozen=True)
class Word:
    """One word (or mark) of a sentence, casefolded; a stage name is one Word."""

    text: str
    start: int = 0
    end: int = 0
    capital: bool = False
    stage: Stage | None = None  # a stage's title, alias or label
    this: bool = False  # 'this stage', 'this one', 'it': the page's own stage
    number: int | None = None  # 'six', '6'
    ordinal: int | None = None  # 'sixth', '6th'; LAST for 'last' and 'final'

    @property
    def refers(self) -> bool:
        return self.stage is not None or self.this


PAD = 10  # empty Words after each sentence: look-ups either side need no bounds checks


@dataclass(frozen=True)
class Sentence:
    words: list[Word]  # then PAD empty Words (so words[-1] is empty too)
    size: int
    asks: bool  # a yes/no question ('Is this the last stage?') claims nothing


class Names:
    """Stage names (titles, aliases, labels), matched word by word; a label ('Clearance')
    only with a capital, as a name: 'clearance' in running text is just a word."""

    def __init__(self, program: StageProgram) -> None:
        self.stages: dict[tuple[str, ...], tuple[Stage, bool]] = {}
        for stage in program:
            for name, capital in [(name, False) for name in stage.names] + [(stage.label, True)]:
                words = tuple(_TOKEN.findall(name.casefold().replace("\u2019", "'")))
                if words:
                    self.stages.setdefault(words, (stage, capital))
        self.longest = max((len(words) for words in self.stages), default=0)

    def at(self, words: list[Word], index: int) -> tuple[Stage, int] | None:
        """The stage whose name starts at words[index], and how many words it takes."""
        for size in range(min(self.longest, len(words) - index), 0, -1):
            found = self.stages.get(tuple(word.text for word in words[index : index + size]))
            if found and (words[index].capital or not found[1]):
                return found[0], size
        return None


def plain_text(prose: str) -> str:
    """Prose with code spans blanked and Markdown links, images, emphasis and tags reduced
    to their text; the same line count."""
    prose = blank_code_spans(prose)
    for pattern, replacement in PLAIN_SUBSTITUTIONS:
        prose = pattern.sub(replacement, prose)
    return prose


def blank_code_spans(prose: str) -> str:
    """`code` becomes spaces: what is written as code is no claim. (Callers usually blank
    code first.) A run of backticks closes at the next run of the same length, in its
    paragraph."""
    if "`" not in prose:
        return prose
    pieces, done, opened = [], 0, None
    for match in re.finditer(r"`+|\n[ \t]*\n", prose):
        if match.group()[0] != "`":
            opened = None
        elif opened is None:
            opened = match
        elif len(match.group()) == len(opened.group()):
            code = prose[opened.start() : match.end()]
            pieces += [prose[done : opened.start()], re.sub(r"[^\n]", " ", code)]
            done, opened = match.end(), None
    return "".join(pieces) + prose[done:]


def sentences(text: str, names: Names) -> list[Sentence]:
    """The sentences of plain text, their words read (names, numbers, 'this stage')."""
    found: list[Sentence] = []
    current: list[Word] = []

    def close(question: bool = False) -> None:
        if current:
            words = _read(current, names)
            asks = question and words[0].text in _YES_NO
            found.append(Sentence(words + [Word("")] * PAD, len(words), asks))
            current.clear()

    alone = False
    for line in _LINE.finditer(text):
        body = line.group()
        if alone or not body.strip() or _BLOCK_START.match(body):
            close()
        alone = bool(_ALONE.match(body))
        for token in _TOKEN.finditer(body):
            word, start = token.group(), line.start() + token.start()
            if word in ".!?":
                close(word == "?")
                continue
            lower = word.casefold().replace("\u2019", "'")
            if lower == "it's":
                current += [Word("it", start, start + 2), Word("is", start + 3, start + 4)]
            else:
                current.append(Word(lower, start, start + len(word), word[0].isupper()))
    close()
    return found


def _read(raw: list[Word], names: Names) -> list[Word]:
    """Join the words of stage names and of 'this stage'; read numbers and ordinals."""
    words: list[Word] = []
    index = 0
    while index < len(raw):
        word, name = raw[index], names.at(raw, index)
        after = raw[index + 1].text if index + 1 < len(raw) else ""
        if name:
            end = raw[index + name[1] - 1].end
            words.append(Word(word.text, word.start, end, word.capital, stage=name[0]))
            index += name[1]
        elif word.text == "this" and after in _THIS_NOUNS:
            words.append(Word(f"this {after}", word.start, raw[index + 1].end, this=True))
            index += 2
        else:
            this = word.text == "it" or (word.text == "this" and after in _THIS_VERBS | {""})
            number, ordinal = number_of(word.text), ORDINALS.get(word.text)
            if ordinal is None and word.text[-2:] in ("st", "nd", "rd", "th"):
                ordinal = number_of(word.text[:-2])
            words.append(Word(word.text, word.start, word.end, word.capital, None, this,
                              number, ordinal))  # fmt: skip
            index += 1
    return words


def number_of(text: str) -> int | None:
    if text.isascii() and text.isdigit():
        return int(text) if len(text) < 4 else None
    return CARDINALS.get(text)


def skip(words: list[Word], at: int, allowed: frozenset[str], limit: int = 4, step: int = 1) -> int:
    """The index of the first word from `at` on (leftwards if step is -1) that is not one
    of `allowed`; at most `limit` are skipped."""
    start = at
    while abs(at - start) < limit and words[at].text in allowed:
        at += step
    return at


def owner(words: list[Word], index: int) -> tuple[str, int]:
    """What the stage words before words[index] belong to, and where that phrase ends:
    'program', 'other' (a test, a form, a disease, a stage's own steps) or 'none'."""
    if words[index].text not in ("of", "in", "within", "for", "to"):
        return "none", index
    at = index + 1
    if words[at].text in ("total", "all"):
        return "none", at + 1  # 'six stages in total'
    if words[at].refers and words[at].text != "it":
        return "other", at  # 'the first step in this stage', 'the steps of immune tolerance'
    at = skip(words, at, _DETERMINERS)
    while words[at].text in PROGRAM_WORDS and words[at + 1].text in PROGRAM_WORDS:
        at += 1  # 'the treatment program'
    following = words[at + 1].text
    if words[at].text in PROGRAM_WORDS and (not following[:1].isalnum() or following in STOP):
        return "program", at + 1
    return "other", at


_OBJECT_FILLERS = word_set("the stage step phase called named finishing completing ending")


@dataclass
class Subject:
    words: list[Word]  # stage names ('A and B'), 'this stage', a relative pronoun's antecedent
    negated: bool = False
    skipped: frozenset[str] = frozenset()  # the verb group: 'is', 'does not', 'right'
    coordinated: bool = False  # '..., and comes before X': the subject of the verb before


def subject_before(words: list[Word], index: int) -> Subject:
    """The subject of the verb at words[index], read leftwards over a few words."""
    at, skipped = index - 1, set()
    while index - at <= 8 and (words[at].text in VERB_GROUP or negates(words[at].text)):
        skipped.add(words[at].text)
        at -= 1
    found = Subject([], any(map(negates, skipped)), frozenset(skipped))
    word = words[at] if at >= 0 else Word("")
    if word.stage:
        found.words = [word]
        joiners: tuple[str, ...] = (
            "and",
            "or",
        )  # 'A, B and C come ...'; not 'After A, B comes ...'
        while at >= 2 and words[at - 1].text in joiners and words[at - 2].stage:
            at, joiners = at - 2, ("and", "or", ",")
            found.words.insert(0, words[at])
    elif word.this:
        found.words = [word]
    elif word.text in ("which", "that", "who") and at >= 1:  # 'X, which comes next'
        antecedent = words[at - 2] if words[at - 1].text == "," else words[at - 1]
        found.words = [antecedent] if antecedent.stage else []
    found.coordinated = word.text in ("and", ",")
    return found


def object_after(words: list[Word], index: int) -> tuple[list[Word], int]:
    """The stages a verb or preposition names from words[index] on ('X and Y', 'this one',
    'the results of X'), and the index after them."""
    at = skip(words, index, _OBJECT_FILLERS, 3)
    if words[at].refers:
        named, at = [words[at]], at + 1
        while words[at].text in ("and", "or") and words[at + 1].stage:
            named.append(words[at + 1])
            at += 2
        return named, at
    for end in range(at, at + 4):  # 'the results of immune diagnosis', 'the work done in X'
        if words[end].text in ("of", "in", "from", "during") and words[end + 1].stage:
            return [words[end + 1]], end + 2
        if not words[end].text.isalpha() or words[end].refers:
            break
    return [], at


def position_at(words: list[Word], index: int) -> tuple[list[int], int | None, int] | None:
    """A position: 'fourth stage', 'sixth and final step', 'stage 3 (of 6)', 'the second of
    the six stages': (positions, count, index of its last word). None when it belongs to
    something else: 'stage 3 kidney disease', 'step 2 of the form', 'the last step of a visit'."""
    word = words[index]
    if word.ordinal is not None:
        return _ordinal_position(words, index)
    number, following = words[index + 1].number, words[index + 2]
    if word.text not in STAGE_WORDS or number is None:
        return None
    if following.text == "of" and words[index + 3].number is not None:
        return [number], words[index + 3].number, index + 3
    grade = following.text[:1].isalnum() and following.text not in STOP and not following.refers
    if grade or owner(words, index + 2)[0] == "other":
        return None  # 'stage 3 kidney disease', 'stage 5 CKD', 'stage 2 of the form'
    return [number], None, index + 1


def _ordinal_position(words: list[Word], index: int) -> tuple[list[int], int | None, int] | None:
    word = words[index]
    if word.ordinal is None:
        return None
    claimed, at = [word.ordinal], index + 1
    while words[at].text == "and" and (also := words[at + 1].ordinal) is not None:
        claimed.append(also)
        at += 2
    if words[at].text in STAGE_WORDS:
        return None if owner(words, at + 1)[0] == "other" else (claimed, None, at)
    at = skip(words, at + 1, frozenset({"the"}), 1) if words[at].text == "of" else 0
    total = words[at].number if at and word.ordinal != LAST else None
    plural = total and words[at + 1].text in PLURAL_STAGE_WORDS
    if not plural or owner(words, at + 2)[0] == "other":
        return None
    return claimed, total, at + 1  # 'the second of the six stages'
