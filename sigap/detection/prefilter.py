"""Cheap pre-checks for regular expressions: the literal words a match must start with.

Most catalogue patterns begin with a word or a group of alternative words. If none of them occurs in
the text (a C-speed substring test), the pattern cannot match and is skipped. Patterns whose start
cannot be reduced to literals (``\\w+``, optional groups …) are always run.

``WordIndex`` finds whole words from a list as a ``\\b(word|…)\\b`` regex would, in one pass.
"""

from __future__ import annotations

# The standard library's own regex parser (Python 3.11: re._parser), read-only use.
import importlib
import re
from collections.abc import Iterable, Iterator, Mapping
from operator import itemgetter
from typing import Any

import ahocorasick

# The standard library's own regex parser (Python 3.11: re._parser / re._constants), read-only use.
sre_parse: Any = importlib.import_module("re._parser")
sre_constants: Any = importlib.import_module("re._constants")

MIN_PREFIX = 2
MAX_PREFIXES = 64


def _element(op: Any, arg: Any) -> set[str] | None:
    """Literal prefixes of one parsed element, or None when they cannot be stated."""
    return _element_full(op, arg)[0]


def _prefixes(items: list[tuple[Any, Any]]) -> set[str] | None:
    """Literal prefixes of a parsed sequence, or None when its start is not literal."""
    return _prefixes_full(items)[0]


def _element_full(op: Any, arg: Any) -> tuple[set[str] | None, bool]:
    """Literal prefixes of one parsed element, and whether they are the whole of what it matches.

    Only a whole element may be followed by what comes after it: "(?:1[3-9]|2[0-4]) jam" starts
    with "1" or "2", not with "1 " or "2 " (the digit after it is no literal).
    """
    if op is sre_constants.LITERAL:
        return {chr(arg)}, True
    if op is sre_constants.SUBPATTERN:
        if arg[0] is not None:
            return None, False  # a capturing group: keep it simple and sound, no literals from it
        return _prefixes_full(list(arg[-1]))
    if op is sre_constants.BRANCH:
        found: set[str] = set()
        whole = True
        for branch in arg[1]:
            sub, complete = _prefixes_full(list(branch))
            if sub is None:
                return None, False
            found |= sub
            whole = whole and complete
        return found, whole
    if op is sre_constants.IN:
        chars = [chr(a) for o, a in arg if o is sre_constants.LITERAL]
        return (set(chars), True) if len(chars) == len(arg) and len(chars) <= 4 else (None, False)
    return None, False


def _prefixes_full(items: list[tuple[Any, Any]]) -> tuple[set[str] | None, bool]:
    """Literal prefixes of a parsed sequence, and whether they are the whole of what it matches."""
    current: set[str] = {""}
    complete = True
    for position, (op, arg) in enumerate(items):
        if op is sre_constants.AT:
            if current == {""}:
                continue
            complete = False
            break
        if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT) and arg[0] == -1 and current == {""}:
            continue  # a look-behind at the start reads the text before the match, which still starts here
        element, whole = _element_full(op, arg)
        if element is None:
            complete = False
            break
        current = {a + b for a in current for b in element}
        if len(current) > MAX_PREFIXES:
            return None, False
        if not whole:
            complete = False  # what follows does not follow these prefixes directly
            break
        if op is not sre_constants.LITERAL and all(len(p) >= MIN_PREFIX for p in current):
            complete = position == len(items) - 1
            break
    current.discard("")
    return (current or None), complete


def _has_flags(pattern: str) -> bool:
    """Inline flags (?i) etc. change what a literal means; such patterns get no prefilter."""
    return bool(re.search(r"\(\?[aiLmsux]+[):]", pattern))


def literal_prefixes(pattern: str) -> frozenset[str] | None:
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return None
    found = _prefixes(list(parsed))
    if not found or any(len(p) < MIN_PREFIX for p in found) or len(found) > MAX_PREFIXES:
        return None
    return frozenset(found)


def trie_regex(words: list[str] | set[str] | frozenset[str]) -> str:
    """A regular expression matching any of ``words``, longest first, shaped as a trie.

    ``re`` tries alternatives one by one; a trie shares their common starts, so each position of the
    text costs a few character tests however many words there are.
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not ends else "(?:" + "|".join(branches) + ")"
        return (
            body + "?"
            if ends and len(branches) == 1 and body.startswith("(?:")
            else ("(?:" + "|".join(branches) + ")?" if ends else body)
        )

    return build(trie)


class Occurrences(Mapping[str, list[int]]):
    """The literals of an index found in a text, each with where it starts (ascending, overlapping
    occurrences included), worked out when first asked for: most literals are only asked whether
    they occur, and the few whose places are wanted are found again at C speed (``str.find``)."""

    __slots__ = ("_starts", "_text", "literals")

    def __init__(self, text: str, literals: set[str]) -> None:
        self._text = text
        self.literals = literals
        self._starts: dict[str, list[int]] = {}

    def __getitem__(self, literal: str) -> list[int]:
        starts = self._starts.get(literal)
        if starts is None:
            if literal not in self.literals:
                raise KeyError(literal)
            find = self._text.find
            starts = []
            at = find(literal)
            while at >= 0:
                starts.append(at)
                at = find(literal, at + 1)
            self._starts[literal] = starts
        return starts

    def __contains__(self, literal: object) -> bool:
        return literal in self.literals

    def __iter__(self) -> Iterator[str]:
        return iter(self.literals)

    def __len__(self) -> int:
        return len(self.literals)


class PrefixIndex:
    """Finds which of many literals occur in a text in one pass (Aho-Corasick, in C)."""

    def __init__(self, literals: set[str] | frozenset[str]) -> None:
        self.prefixes = frozenset(literals)
        self._automaton: Any = None
        if self.prefixes:
            automaton = ahocorasick.Automaton()
            for literal in self.prefixes:
                automaton.add_word(literal, literal)
            automaton.make_automaton()
            self._automaton = automaton

    def found_in(self, text: str) -> bool:
        """Whether any of the literals occurs in ``text`` (the scan stops at the first)."""
        return self._automaton is not None and next(self._automaton.iter(text), None) is not None

    def occurrences(self, text: str) -> Occurrences:
        """Which literals occur in ``text``, and where (see ``Occurrences``)."""
        if self._automaton is None:
            return Occurrences(text, set())
        # About sixty hits in a report: the set of literals is gathered in C, with no Python per hit.
        return Occurrences(text, set(map(_LITERAL, self._automaton.iter(text))))


_LITERAL = itemgetter(1)  # the literal of an Aho-Corasick hit (end, literal)


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"  # what re's \\b calls a word character (str patterns)


class WordIndex:
    """Whole words (or phrases) from a list, found as ``re.finditer(r"\\b(" + trie_regex(words) +
    r")\\b")`` finds them: leftmost first, the longest word at a start, no overlaps. One
    Aho-Corasick pass in C instead of a regex tried at every position."""

    def __init__(self, words: set[str] | frozenset[str]) -> None:
        if not all(word and _is_word_char(word[0]) and _is_word_char(word[-1]) for word in words):
            raise ValueError("each word must begin and end with a word character")
        self.words = frozenset(words)
        self._automaton: Any = ahocorasick.Automaton()
        for word in words:
            self._automaton.add_word(word, word)
        self._automaton.make_automaton()

    def find(self, text: str) -> list[tuple[int, str]]:
        """(start, word) of each match, in order."""
        # The automaton reports the index of a word's last character.
        return _whole_words(text, ((end - len(word) + 1, word) for end, word in self._automaton.iter(text)))

    def find_in(self, text: str, occurrences: Mapping[str, list[int]]) -> list[tuple[int, str]]:
        """``find(text)`` from ``PrefixIndex.occurrences(text)`` of an index holding all the words
        (one scan of the text can then serve several indexes)."""
        # words.intersection(occurrences) walks the few literals found, not all the words (as `&` would).
        return _whole_words(
            text,
            ((start, word) for word in self.words.intersection(occurrences) for start in occurrences[word]),
        )


def _whole_words(text: str, occurrences: Iterable[tuple[int, str]]) -> list[tuple[int, str]]:
    """The (start, word) matches a ``\\b(word|…)\\b`` regex finds among these occurrences."""
    found: list[tuple[int, int, str]] = []
    last = len(text) - 1
    for start, word in occurrences:
        end = start + len(word) - 1
        # \\b at both ends: the word's own ends are word characters, so their neighbours are not.
        if (start and _is_word_char(text[start - 1])) or (end < last and _is_word_char(text[end + 1])):
            continue
        found.append((start, -len(word), word))
    found.sort()
    matches: list[tuple[int, str]] = []
    resume = 0
    for start, minus_length, word in found:
        if start >= resume:  # sorted longest first at each start, so the longest is taken
            matches.append((start, word))
            resume = start - minus_length
    return matches


def _whole(op: Any, arg: Any) -> set[str] | None:
    """Every string one parsed element can match, when that is a few literal strings; else None."""
    if op is sre_constants.LITERAL:
        return {chr(arg)}
    if op is sre_constants.IN:
        chars = [chr(a) for o, a in arg if o is sre_constants.LITERAL]
        return set(chars) if len(chars) == len(arg) and len(chars) <= 4 else None
    if op is sre_constants.SUBPATTERN:
        return None if arg[0] is not None else _whole_sequence(list(arg[-1]))
    if op is sre_constants.BRANCH:
        found: set[str] = set()
        for branch in arg[1]:
            sub = _whole_sequence(list(branch))
            if sub is None:
                return None
            found |= sub
        return found if len(found) <= MAX_PREFIXES else None
    return None


def _whole_sequence(items: list[tuple[Any, Any]]) -> set[str] | None:
    current = {""}
    for op, arg in items:
        if op is sre_constants.AT:
            continue  # zero-width: the text on either side is still contiguous
        element = _whole(op, arg)
        if element is None:
            return None
        current = {a + b for a in current for b in element}
        if len(current) > MAX_PREFIXES:
            return None
    return current


def required_groups(pattern: str, min_length: int = 2) -> tuple[frozenset[str], ...]:
    """Groups of literals a match must contain: one literal of every group occurs in any match.

    Each stretch of top-level elements that must match literal text (characters, groups of literal
    alternatives, ending at most with a group of alternatives with literal starts) gives one group:
    the strings it can match, joined ("(?:ke|di) kamboja" gives "ke kamboja", "di kamboja"), with
    spaces at their ends stripped. Optional and repeated elements end a stretch and give none.
    """
    if _has_flags(pattern):
        return ()
    try:
        items = list(sre_parse.parse(pattern))
    except re.error:
        return ()
    groups: list[frozenset[str]] = []
    stretch = {""}

    def close() -> None:
        nonlocal stretch
        literals = frozenset(text.strip() for text in stretch)
        if stretch != {""} and all(len(literal) >= min_length for literal in literals):
            groups.append(literals)
        stretch = {""}

    for op, arg in items:
        if op is sre_constants.AT:
            continue
        whole = _whole(op, arg)
        if whole is not None:
            joined = {a + b for a in stretch for b in whole}
            if len(joined) > MAX_PREFIXES:  # too many: close the stretch, start one here
                close()
                joined = whole
            stretch = joined
            continue
        # An element with literal starts ends the stretch; any other ends it before itself.
        starts = _element(op, arg) if op in (sre_constants.SUBPATTERN, sre_constants.BRANCH) else None
        if starts:
            joined = {a + b for a in stretch for b in starts}
            if len(joined) <= MAX_PREFIXES:
                stretch = joined
        close()
    close()
    return tuple(groups)
