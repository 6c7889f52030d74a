"""Prose on stage pages that contradicts the stage order in stages.yml.

Only claims about this program's stages are read: a position or the count ('X is the
fourth stage', 'This is stage 3 of 6', 'one of five stages', 'The program has five
stages'), or a neighbour or order of stages named by title, alias or label ('Next: X',
'X comes after Y', 'is followed by', 'The stage before this one is X', 'you move straight
on to X', 'X comes first, then Y', 'from X to Y', 'The program starts with X', 'After X
comes Y', 'The first three stages, in order, are X, Y and Z'). A position needs a stage
word, no owner but the program ('step 2 of the form', 'stage 3 kidney disease' are not)
and a stage as its subject; an order needs stages on both sides. Yes/no questions claim
nothing; a denial is reported when false. 'Comes after' names the stage right before;
'follows', 'precedes', 'leads to' say which is earlier, unless 'straight', 'right' etc.
"""

from __future__ import annotations

import bisect
from itertools import pairwise

from checks import order_phrases as p
from checks.order_phrases import LAST, Names, Word, plain_text, skip, subject_before, word_set
from guide.problems import Problem
from guide.stages import Stage, StageProgram

__all__ = ["Names", "order_claim_problems", "plain_text"]

_COME = word_set("come comes came coming")
_STARTS = word_set("start starts started begin begins began opens")
_ENDS = word_set("end ends finish finishes closes concludes")
_MOVE = word_set("move moves go goes progress progresses proceed proceeds pass passes continue")
_WHEN, _TO = {"after": -1, "before": 1}, {"to": 1, "into": 1, "onto": 1}
_ALONE = {"next": 0, "first": 0, "last": 0}
# Order verbs: (verbs, words that may come between, then what follows and where that puts
# what is named: -1 before the subject, +1 after it, 0 'comes next/first/last'; or a
# direction when the object follows the verb directly).
_VERBS: tuple[tuple[frozenset[str], frozenset[str] | set[str], dict[str, int] | int], ...] = (
    (_COME, frozenset(), _WHEN | _ALONE),
    (_STARTS | word_set("happen happens occur occurs take takes"), {"place"}, _WHEN | _ALONE),
    (_STARTS, frozenset(), {"once": -1}),
    (p.COPULAS, frozenset(), _WHEN),
    (word_set("followed"), frozenset(), {"by": 1}),
    (word_set("follow follows followed"), word_set("on from"), -1),
    (word_set("preceded"), frozenset(), {"by": -1}),
    (word_set("precede precedes preceded"), frozenset(), 1),
    (word_set("lead leads led"), {"on"}, _TO),
    (word_set("build builds built"), frozenset(), {"on": -1, "upon": -1}),
    (word_set("lay lays laid"), word_set("a the foundation foundations groundwork"), {"for": 1}),
    (_MOVE, word_set("on then over"), _TO),
)
_ADVERBS = (p.VERB_GROUP - p.COPULAS) | p.LOOSE
_REACH = word_set("reach reaches reached enter enters join joins") | _STARTS
_DONE = word_set("finished done over complete completed ended finishes ends")
_THEN_FILLERS = word_set("comes come to on the you we move moves go goes start starts and")
_AFTER_FILLERS = word_set("finishing completing ending leaving the end of you we have finish")
_NOT_TOTAL = word_set("other remaining next last previous following later earlier more")
_HAS = word_set("has have had includes include contains comprises consists made divided split")
_NAMING = word_set("call calls called name names named list lists listed known shown numbered")
_CLAUSE = word_set(", ; : ( and but so") | {""}


def order_claim_problems(
    prose: str, shown_as: str, stage: Stage, program: StageProgram, names: Names | None = None
) -> list[Problem]:
    """Sentences in a stage page's prose that contradict the order in stages.yml."""
    text = plain_text(prose)
    claims = _Claims(stage, program, text)
    for sentence in p.sentences(text, names or Names(program)):
        if not sentence.asks:
            claims.read(sentence)
    lines = [index for index, char in enumerate(text) if char == "\n"] if claims.found else []
    return [
        Problem(shown_as, bisect.bisect(lines, at) + 1, message) for at, message in claims.found
    ]


def _at(stage: Stage) -> str:
    return f"'{stage.title}' at stage {stage.number}"


class _Claims:
    """Reads one sentence at a time (`w`, its words); collects what contradicts stages.yml."""

    def __init__(self, page: Stage, program: StageProgram, text: str) -> None:
        self.page, self.program, self.text = page, program, text
        self.found: dict[tuple[int, str], None] = {}  # (offset, message), in order
        self.w: list[Word] = []
        self.used: set[int] = set()  # the 'after' and 'before' a rule has read
        self.last_subject: list[Word] = []
        self.after: Stage | None = None  # 'After X, ...': what 'comes next' is next to

    def read(self, sentence: p.Sentence) -> None:
        self.w, self.used, self.last_subject, self.after = sentence.words, set(), [], None
        w = self.w
        for i in range(sentence.size):
            text = w[i].text
            if text in ("next", "previous", "prev"):
                self.label(i)
            if w[i].ordinal is not None or text in p.STAGE_WORDS:
                self.position(i)
            if w[i].number is not None or "-" in text:
                self.count(i)
            if text == "the":
                self.locator(i)
            elif text in ("then", "from", "with"):
                self.sequence(i)
            elif text in ("after", "before", "once") and w[i - 1].text in _CLAUSE:
                self.leading(i)
            self.verb(i)
        self.ordered_list(sentence.size)
        for i in range(sentence.size):
            if w[i].text in _WHEN and i not in self.used:
                self.preposition(i)

    def stage(self, word: Word | None) -> Stage:
        return word.stage if word and word.stage else self.page

    def beside(self, stage: Stage, direction: int) -> Stage | None:
        return self.program.previous(stage) if direction < 0 else self.program.next(stage)

    def phrase(self, first: Word, last: Word) -> str:
        return " ".join(self.text[first.start : last.end].split())

    def add(self, at: Word, message: str) -> None:
        self.found.setdefault((at.start, message), None)

    # --- what is claimed, and the messages ---------------------------------------------------

    def claim_position(
        self, at: Word, stage: Stage | None, claimed: int, phrase: str, no: bool = False
    ) -> bool:
        """`stage` is (or, if `no`, is not) at place `claimed`."""
        if stage is None:  # callers have checked; the words' stages are optional
            return False
        total = len(self.program)
        if ((total if claimed == LAST else claimed) == stage.number) != no:
            return False
        who = ("this is" if stage is self.page else f"'{stage.title}' is") + " not" * no
        what = "the last stage" if claimed == LAST else f"stage {claimed}"
        self.add(at, f"says {who} {what} ('{phrase}'), but stages.yml puts {_at(stage)} of {total}")
        return True

    def claim_count(self, at: Word, count: int, phrase: str) -> None:
        if count != len(self.program):
            has = len(self.program)
            self.add(at, f"says there are {count} stages ('{phrase}'), but stages.yml has {has}")

    def claim_neighbour(
        self, at: Word, direction: int, named: Stage | None, of: Stage, no: bool = False
    ) -> None:
        """`named` is right before (-1) or after (+1) `of`."""
        if named is None:
            return
        if named is self.page and of is not self.page:
            named, of, direction = of, named, -direction
        expected = self.beside(of, direction)
        if named is of or (expected is named) != no:
            return
        side, end = ("before", "first") if direction < 0 else ("after", "last")
        what = f"the stage {side} '{of.title}'"
        if of is self.page:
            what = "the previous stage" if direction < 0 else "the next stage"
        actual = f"'{(named if no else expected or of).title}' "
        actual += f"{side} '{of.title}'" if no or expected else f"as the {end} stage"
        self.add(at, f"says {what} is{' not' * no} '{named.title}', but stages.yml has {actual}")

    def claim_order(
        self,
        at: Word,
        subject: Stage | None,
        named: Stage | None,
        side: int,
        close: bool,
        *,
        no: bool = False,
    ) -> None:
        """`named` comes before (-1) or after (+1) `subject`; right next to it if `close`."""
        if subject is None or named is None:
            return
        if close:
            self.claim_neighbour(at, side, named, subject, no)
        elif named is not subject and ((named.number - subject.number) * side > 0) == no:
            verb = ("does not come " if no else "comes ") + ("before" if side < 0 else "after")
            self.add(at, f"says '{named.title}' {verb} '{subject.title}', but stages.yml puts "
                     f"{_at(named)} and {_at(subject)}")  # fmt: skip

    # --- positions and counts --------------------------------------------------------------

    def position(self, i: int) -> None:
        """'X is the fourth stage', 'This is stage 3 of 6', 'call it the third step'."""
        found = p.position_at(self.w, i)
        who = found and self.position_subject(i, found[2])
        if found and who:
            (claimed, total, end) = found
            phrase = self.phrase(self.w[i], self.w[end])
            if total is not None:
                self.claim_count(self.w[i], total, phrase)
            if total is None or total == len(self.program):
                any(self.claim_position(self.w[i], who[0], n, phrase, who[1]) for n in claimed)

    def position_subject(self, i: int, end: int) -> tuple[Stage, bool] | None:
        w, at = self.w, skip(self.w, i - 1, word_set("the at as"), 3, -1)
        if w[at].refers and w[at - 1].text in _NAMING and at >= 1:
            return self.stage(w[at]), False  # 'Some pages call it the third step.'
        named = w[at].text in _NAMING and at >= 0
        found = subject_before(w, at if named else at + 1)
        if len(found.words) == 1 and (named or found.skipped & p.COPULAS):
            return self.stage(found.words[0]), found.negated
        if i > 1 or (i == 1 and w[0].text != "the"):
            return None
        kind, after = p.owner(w, end + 1)
        after = after if kind == "program" else end + 1
        target = w[skip(w, after + 1, frozenset({"the"}), 1)]
        if not w[after].text:
            return self.page, False  # '**Stage 2 of 6**' standing alone
        if w[after].text in p.COPULAS | {":", "-", "\u2013", "\u2014"} and target.stage:
            return target.stage, False  # 'The first stage is exact diagnosis.'
        return None

    def count(self, i: int) -> None:
        """'The program has five stages', 'one of seven stages', 'all four stages of the
        program', 'a six-stage program'; counts of other things are not read."""
        w, (first, _, second) = self.w, self.w[i].text.partition("-")
        number, noun, before = w[i].number, w[i + 1].text, w[i - 1] if i else Word("")
        if number is None and second in p.STAGE_WORDS and noun in p.PROGRAM_WORDS:
            number = p.number_of(first)  # 'a six-stage program'
        elif noun not in p.PLURAL_STAGE_WORDS:
            return
        if (
            number is None
            or before.text in _NOT_TOTAL
            or any(x.ordinal for x in w[max(0, i - 3) : i])
        ):
            return  # 'the first three stages', 'the second of the six stages'
        belongs = p.owner(w, i + 2)[0]
        if w[i + 2].text in _NOT_TOTAL | word_set("left to ago after before come"):
            return
        if belongs != "other" and self.counts_program(
            i, belongs == "program" or noun in p.PROGRAM_WORDS | {"stages"}
        ):
            self.claim_count(w[i], number, self.phrase(w[i], w[i + 1]))

    def counts_program(self, i: int, default: bool) -> bool:
        w, at = self.w, skip(self.w, i - 1, word_set("the all only just exactly its"), 3, -1)
        if w[at].text == "of" and w[at - 1].text == "one" and at >= 1:
            found = subject_before(w, at - 1)  # 'X is one of five stages'
            return bool(found.words and found.skipped & p.COPULAS)
        verb = next((k for k in range(at, max(-1, at - 4), -1) if w[k].text in _HAS), None)
        owner = skip(w, (verb or 0) - 1, p.VERB_GROUP | {"up"}, 4, -1)
        if verb is None:
            return default
        return w[owner].text in p.PROGRAM_WORDS and owner >= 0  # 'The program has five stages'

    # --- neighbours and order --------------------------------------------------------------

    def label(self, i: int) -> None:
        """'Next: Immune tolerance', 'Previous stage: Stage 3', 'Up next: X'."""
        w, direction = self.w, 1 if self.w[i].text == "next" else -1
        colon = i + 2 if w[i + 1].text in p.STAGE_WORDS else i + 1
        line_end = self.text.find("\n", w[i].start) % (len(self.text) + 1)
        rest = [x for x in w[colon + 1 : colon + 6] if x.text and x.start < line_end]
        if w[colon].text != ":" or not rest:
            return
        if rest[0].text in p.STAGE_WORDS and len(rest) > 1 and rest[1].number is not None:
            near, end = self.beside(self.page, direction), "first" if direction < 0 else "last"
            if near is None or near.number != rest[1].number:
                actual = f"it is '{near.title}', stage {near.number}" if near else ""
                actual = actual or f"'{self.page.title}' is the {end} stage"
                what = f"the {w[i].text} stage is stage {rest[1].number}"
                self.add(
                    w[i],
                    f"says {what} ('{self.phrase(rest[0], rest[1])}'), but in stages.yml {actual}",
                )
        elif named := next((x.stage for x in rest if x.stage), None):
            self.claim_neighbour(w[i], direction, named, self.page)

    def verb(self, i: int) -> None:
        """'X comes after Y (and before Z)', 'X is followed by Y', 'It builds on Y', 'X
        comes next', 'X comes first', 'you move straight on to X'."""
        w, found = self.w, _verb_at(self.w, i)
        if found is None:
            return
        direction, immediate, at, no = found
        if w[i].text in _MOVE:  # from the stage named last before the verb, or this one
            source = next((x for x in reversed(w[max(0, i - 20) : i]) if x.refers), None)
            for named in p.object_after(w, at + 1)[0]:
                self.claim_order(w[i], self.stage(source), self.stage(named), 1, immediate)
            return
        subject = subject_before(w, i)
        subjects = self.last_subject if subject.coordinated else subject.words
        self.last_subject, no = subjects, no != subject.negated
        immediate = immediate or bool(subject.skipped & p.IMMEDIATE)
        immediate &= not subject.skipped & p.LOOSE
        if direction == 0 and len(subjects) == 1 and w[at].text == "next":
            self.claim_neighbour(w[i], 1, self.stage(subjects[0]), self.after or self.page)
        elif direction == 0 and len(subjects) == 1:
            claimed = 1 if w[at].text == "first" else LAST
            self.claim_position(w[i], self.stage(subjects[0]), claimed, self.phrase(w[i], w[at]))
        while direction:
            self.used.add(at)
            objects, end = p.object_after(w, at + 1)
            close = immediate and len(subjects) == len(objects) == 1  # not 'A and B come ...'
            for one in subjects:
                for named in objects:
                    self.claim_order(
                        w[i], self.stage(one), self.stage(named), direction, close, no=no
                    )
            at = skip(w, end, word_set("and or ,"), 2)
            direction = _WHEN.get(w[at].text, 0) if at > end else 0
            immediate = direction < 0 and w[i].text in _COME

    def locator(self, i: int) -> None:
        """'The next stage is X', 'the next X', 'The stage before this one is X', 'The
        stage that comes after Y is X', 'X is the stage straight after Y'."""
        w, found = self.w, _locator_at(self.w, i + 1, self.used)
        if found is None:
            return
        direction, anchor, end = found
        if anchor is None:  # 'the next immune regulation'
            self.claim_neighbour(w[i], direction, w[end].stage, self.page)
            return
        at = skip(w, end, p.VERB_GROUP | {","})
        group = {x.text for x in w[end:at]}
        target = w[skip(w, at, frozenset({"the"}), 1)].stage if group & p.COPULAS else None
        subject = subject_before(w, i)  # or 'Immune regulation is the next stage.'
        no = any(map(p.negates, group))
        if not target and len(subject.words) == 1 and subject.skipped & p.COPULAS:
            target, no = subject.words[0].stage, subject.negated
        if target:
            self.claim_neighbour(w[i], direction, target, self.stage(anchor), no)

    def sequence(self, i: int) -> None:
        """'X comes first, then Y'; 'goes from X to Y'; 'The program starts (ends) with X'."""
        w, at = self.w, i + 1
        if w[i].text == "then":
            named = w[skip(w, at, _THEN_FILLERS, 3)].stage
            earlier = next((x for x in reversed(w[max(0, i - 15) : i]) if x.refers), None)
            if named and earlier:
                self.claim_order(w[i], self.stage(earlier), named, 1, False)
        elif w[i].text == "from" and w[at].refers and w[at + 1].text in _TO and w[at + 2].stage:
            self.claim_order(w[i], self.stage(w[at]), w[at + 2].stage, 1, False)
        elif w[i].text == "with" and w[at].refers and w[i - 1].text in _STARTS | _ENDS:
            subject = skip(w, i - 2, p.VERB_GROUP, 4, -1)
            if w[subject].text in p.PROGRAM_WORDS and subject >= 0:
                claimed = 1 if w[i - 1].text in _STARTS else LAST
                self.claim_position(w[i], self.stage(w[at]), claimed, self.phrase(w[i - 1], w[i]))

    def ordered_list(self, size: int) -> None:
        """'The first three stages, in order, are A, B and C'; 'In order: A, B and C'."""
        w, texts = self.w, [word.text for word in self.w]
        marked = any(texts[k : k + 2] in (["in", "order"], ["in", "turn"]) for k in range(size))
        first = next((k for k in range(size) if w[k].ordinal == 1 and w[k + 1].number), None)
        first = first if first is not None and texts[first + 2] in p.PLURAL_STAGE_WORDS else None
        start = next((k for k in range(size) if texts[k] in ("are", ":")), size)
        named: list[Word] = []
        for word in w[start + 1 : size]:
            if word.stage:
                named.append(word)
            elif word.text not in (",", "and", "then"):
                break
        if first is None or len(named) < 2:
            named_in_order: list[Word] = []
        else:
            named_in_order, phrase = named, self.phrase(w[first], w[first + 2])
        for number, word in enumerate(named_in_order):
            self.claim_position(word, word.stage, number + 1, phrase)
        for earlier, later in pairwise(named) if marked and first is None else ():
            self.claim_order(later, earlier.stage, later.stage, 1, False)

    def preposition(self, i: int) -> None:
        """'You reach this stage (straight) after finishing X', 'start it before X'."""
        w, at = self.w, skip(self.w, i - 1, p.IMMEDIATE | p.LOOSE | {"only"}, 2, -1)
        verb = w[at - 2].text if w[at - 1].text == "the" else w[at - 1].text
        named = w[skip(w, i + 1, _AFTER_FILLERS, 3)].stage
        if at >= 1 and w[at].refers and verb in _REACH and named:
            immediate = bool({x.text for x in w[at + 1 : i]} & p.IMMEDIATE)
            self.claim_order(w[i], self.stage(w[at]), named, _WHEN[w[i].text], immediate)

    def leading(self, i: int) -> None:
        """At a clause's start: 'After X comes Y', 'Before X comes Y'; 'Once (After) X is
        finished, Y begins'."""
        w, first = self.w, self.w[i + 1]
        at = i + 2 + (w[i + 2].text == ",")
        done = skip(w, i + 2, _DONE | word_set("is has have been"), 3)
        later = done + (w[done].text == ",")
        verb = w[skip(w, later + 1, p.VERB_GROUP)].text
        if not first.refers:
            return
        self.used.add(i)
        self.after = self.stage(first) if w[i].text != "before" else None
        if w[at].text in _COME | {"follows"} and w[at + 1].stage and w[i].text in _WHEN:
            immediate = w[i].text == "after" and w[at].text in _COME
            self.claim_order(w[i], w[at + 1].stage, self.stage(first), _WHEN[w[i].text], immediate)
            return
        finished = _DONE & {x.text for x in w[i + 2 : done]}  # 'Once X is finished, Y begins'
        if (
            finished
            and w[i].text != "before"
            and w[later].refers
            and verb in _STARTS | _COME | {"follows"}
        ):
            self.claim_order(w[i], self.stage(w[later]), self.stage(first), -1, False)


def _verb_at(w: list[Word], i: int) -> tuple[int, bool, int, bool] | None:
    """An order verb at w[i]: (where it puts what it names: -1 before its subject, +1 after,
    0 'comes next/first/last'; right next to it?; the index of its last word; denied?)."""
    for verbs, between, follows in _VERBS:
        if w[i].text not in verbs:
            continue
        at = skip(w, i + 1, _ADVERBS | between, 3)
        adverbs, following = {x.text for x in w[i + 1 : at]}, w[at].text
        close = bool(adverbs & (p.IMMEDIATE | ({"on", "then"} if verbs is _MOVE else set())))
        close = (close or (w[i].text in _COME and following == "after")) and not adverbs & p.LOOSE
        no = any(map(p.negates, adverbs))
        if isinstance(follows, int) and following != "by":
            return follows, close, at - 1, no
        if isinstance(follows, dict) and following in follows:
            return follows[following], close, at, no
    return None


def _locator_at(w: list[Word], i: int, used: set[int]) -> tuple[int, Word | None, int] | None:
    """After 'the': 'next stage (of the program)', 'next X', 'stage (right) before this one',
    'stage that comes after X': (direction; what it is next to, None for 'the next X';
    the index after it)."""
    here, at = Word("it", w[i].start, w[i].end, this=True), skip(w, i + 1, p.IMMEDIATE)
    if w[i].text in ("next", "previous"):
        direction, (kind, end) = (1 if w[i].text == "next" else -1), p.owner(w, i + 2)
        if w[i + 1].stage:
            return direction, None, i + 1
        if w[i + 1].text in p.STAGE_WORDS and kind != "other":
            return direction, here, end if kind == "program" else i + 2
    elif w[i].text in p.STAGE_WORDS and w[at].text in ("that", "which"):
        at = skip(w, at + 1, p.VERB_GROUP - p.COPULAS)
        if w[at].text in ("follows", "precedes") and w[at + 1].refers:
            return (1 if w[at].text == "follows" else -1), w[at + 1], at + 2
        at = skip(w, at + 1, p.IMMEDIATE - {"next"}) if w[at].text in _COME else i
        if w[at].text == "next":
            return 1, here, at + 1
    beside = w[at].text in _WHEN | {"following": 1, "preceding": 1} and w[at + 1].refers
    if w[i].text in p.STAGE_WORDS and beside and at > i:
        used.add(at)
        return (1 if w[at].text in ("after", "following") else -1), w[at + 1], at + 2
    return None
