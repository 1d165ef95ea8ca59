"""Normalising informal Indonesian while remembering where every character came from.

``normalise(text)`` returns a :class:`Normalised` whose ``text`` is lower-case, with elongations
collapsed ("bangettt" → "banget"), leetspeak inside words undone ("k3rja" → "kerja"), slang and
abbreviations expanded from ``data/slang.toml`` ("gk" → "tidak", "tkw" → "tenaga kerja wanita"),
and runs of spaces folded. ``span(a, b)`` maps a slice of the normalised text back to the smallest
slice of the original text that produced it, so evidence can be highlighted where it was written.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter
from pathlib import Path

from sigap.detection.prefilter import trie_regex

DATA = Path(__file__).resolve().parent / "data"

TOKEN_RE = re.compile(r"[^\W_]+|\s+|.", re.UNICODE | re.DOTALL)
ELONGATION_RE = re.compile(r"([a-z])\1{2,}")
LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g"})
LEET_INNER_RE = re.compile(r"[a-z][0-9][a-z]|^[a-z]+[0-9]+[a-z]+$")
# Letter-digit words that are names, not leetspeak: agencies, and rupiah written without a space.
LEET_PROTECTED_RE = re.compile(r"^(?:b?p[23]mi|kp2mi|bp2mi|siskop2mi|p4mi|rp\d.*|idr\d.*|.*\d\d.*)$")
ELONGATION_CHECK_RE = re.compile(r"([a-z])\1\1")


def slang_table() -> dict[str, str]:
    with (DATA / "slang.toml").open("rb") as handle:
        data = tomllib.load(handle)
    table: dict[str, str] = {}
    for section in data.values():
        if isinstance(section, dict):
            table.update({str(k).lower(): str(v) for k, v in section.items()})
    return table


SLANG = slang_table()
_SLANG = r"(?P<slang>\b(?:" + trie_regex(frozenset(SLANG)) + r")\b)"
_SLANG_WS = _SLANG + r"|(?P<ws>\s{2,}|[^\S ])"
FAST_RE = re.compile(_SLANG_WS)
# FAST_RE for a text without runs of white space. Used on ASCII text only, so compiled with re.ASCII:
# the same \b there, read from a table instead of Unicode look-ups at every position.
SLANG_RE = re.compile(_SLANG, re.ASCII)
# Elongation and leetspeak are rare: the slower pattern runs only when a cheap test finds them.
FULL_RE = re.compile(
    r"(?P<elong>\b[a-z]*([a-z])\2\2[a-z]*\b)|(?P<leet>\b[a-z0-9]*[a-z][0-9]+[a-z][a-z0-9]*\b)|" + _SLANG_WS
)
# Whether FULL_RE is needed: three letters the same (ELONGATION_CHECK_RE) or a letter, digits and a
# letter. The latter is written to start with a digit, so that re skips ahead to digits at C speed.
LEET_CHECK_RE = re.compile(r"[0-9](?<=[a-z][0-9])[0-9]*[a-z]")


def _normalise_ascii(text: str) -> Normalised:
    """The common case, in a few regex passes: ASCII text lower-cases character for character."""
    lowered = text.lower()
    out: list[str] = []
    segments: list[tuple[int, int, int, bool]] = []
    length = 0
    pos = 0
    if ELONGATION_CHECK_RE.search(lowered) or LEET_CHECK_RE.search(lowered):
        scanner = FULL_RE
    elif "  " in lowered or not lowered.isprintable():
        scanner = FAST_RE
    else:
        # No run of spaces and no tab or newline (in ASCII, every \s but " " is unprintable): the
        # "ws" half of FAST_RE cannot match, and the slang half alone is twice as fast.
        scanner = SLANG_RE
    for match in scanner.finditer(lowered):
        a, b = match.span()
        kind = match.lastgroup
        word = match.group()
        if kind == "elong":
            replacement = SLANG.get(ELONGATION_RE.sub(r"\1", word), ELONGATION_RE.sub(r"\1", word))
        elif kind == "leet":
            if LEET_PROTECTED_RE.match(word):
                continue
            translated = word.translate(LEET)
            replacement = SLANG.get(translated, translated)
        elif kind == "slang":
            replacement = SLANG[word]
        else:
            replacement = " " if (a > 0 and lowered[a - 1] != " ") else ""
        if replacement == word:
            continue
        if a > pos:
            segments.append((length, pos, a, True))
            out.append(lowered[pos:a])
            length += a - pos
        if replacement:
            segments.append((length, a, b, False))
            out.append(replacement)
            length += len(replacement)
        pos = b
    if pos < len(lowered):
        segments.append((length, pos, len(lowered), True))
        out.append(lowered[pos:])
    return Normalised(text, "".join(out), tuple(segments))


_NORM_START = itemgetter(0)  # a segment's start in the normalised text (the segments ascend by it)


@dataclass(frozen=True)
class Normalised:
    """The normalised text and a map back to the original.

    The map is a list of segments ``(norm_start, orig_start, orig_end, identity)``: an identity
    segment maps character for character; any other stands, as a whole, for its source slice.
    """

    original: str
    text: str
    segments: tuple[tuple[int, int, int, bool], ...]

    @cached_property
    def _norm_starts(self) -> tuple[int, ...]:
        """Each segment's start in the normalised text, ascending (searched without a key function)."""
        return tuple(map(_NORM_START, self.segments))

    def _locate(self, position: int) -> tuple[int, int]:
        """(orig_start, orig_end) of the source of normalised character ``position``."""
        index = bisect_right(self._norm_starts, position) - 1
        norm_start, orig_start, orig_end, identity = self.segments[index]
        if identity:
            point = orig_start + (position - norm_start)
            return point, point + 1
        return orig_start, orig_end

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) for the normalised slice [start, end)."""
        if not self.segments or end <= start:
            point = self._locate(start)[0] if self.segments and start < len(self.text) else len(self.original)
            return point, point
        return self._locate(start)[0], self._locate(end - 1)[1]

    def evidence(self, start: int, end: int) -> tuple[str, int, int]:
        a, b = self.span(start, end)
        return self.original[a:b], a, b


def _word(token: str) -> str:
    word = unicodedata.normalize("NFKC", token).lower() if not token.isascii() else token.lower()
    if not word.isalpha():
        if (
            any(ch.isdigit() for ch in word)
            and any(ch.isalpha() for ch in word)
            and LEET_INNER_RE.search(word)
            and not LEET_PROTECTED_RE.match(word)  # "BP3MI" stays an agency, as on the ASCII path
        ):
            word = word.translate(LEET)
    elif len(word) > 2 and ELONGATION_CHECK_RE.search(word):
        word = ELONGATION_RE.sub(r"\1", word)
    return SLANG.get(word, word)


def normalise(text: str) -> Normalised:
    if text.isascii():
        return _normalise_ascii(text)
    return _normalise_unicode(text)


FORMAT_CHARS_RE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")


def _normalise_unicode(text: str) -> Normalised:
    if FORMAT_CHARS_RE.search(text):
        return _without_format_chars(text)
    return _tokenise_unicode(text)


def _without_format_chars(text: str) -> Normalised:
    """Zero-width spaces and soft hyphens inside words hide them ("dise\u200bkap"): normalise the text
    without them, then map positions back through the removed characters."""
    kept = [i for i, ch in enumerate(text) if not FORMAT_CHARS_RE.match(ch)]
    inner = _tokenise_unicode("".join(text[i] for i in kept))
    kept.append(len(text))
    segments: list[tuple[int, int, int, bool]] = []
    for norm_start, orig_start, orig_end, identity in inner.segments:
        if identity:  # character for character, each through its own original position
            segments.extend(
                (norm_start + k, kept[orig_start + k], kept[orig_start + k] + 1, True)
                for k in range(orig_end - orig_start)
            )
        else:
            segments.append((norm_start, kept[orig_start], kept[orig_end - 1] + 1, False))
    return Normalised(text, inner.text, tuple(segments))


def _tokenise_unicode(text: str) -> Normalised:
    out: list[str] = []
    segments: list[tuple[int, int, int, bool]] = []
    length = 0
    run_start = -1  # start (original) of the current identity run
    run_norm = 0
    last_space = True

    def flush(upto: int) -> None:
        nonlocal run_start
        if run_start >= 0 and upto > run_start:
            segments.append((run_norm, run_start, upto, True))
        run_start = -1

    for match in TOKEN_RE.finditer(text):
        token, a, b = match.group(), match.start(), match.end()
        if token.isspace():
            if last_space:
                flush(a)
                continue
            if token != " ":  # noqa: S105 - a text token, not a secret
                flush(a)
                segments.append((length, a, b, False))
                out.append(" ")
                length += 1
                last_space = True
                continue
            replacement = " "
        elif token[0].isalnum():
            replacement = _word(token)
            last_space = False
        else:
            replacement = token.lower() if token.isascii() else unicodedata.normalize("NFKC", token).lower()
            last_space = False
        if replacement == token:
            if run_start < 0:
                run_start, run_norm = a, length
            out.append(token)
            length += len(token)
            if token == " ":  # noqa: S105 - a text token, not a secret
                last_space = True
        else:
            flush(a)
            segments.append((length, a, b, len(replacement) == len(token) and token.isascii()))
            out.append(replacement)
            length += len(replacement)
    flush(len(text))
    return Normalised(text, "".join(out), tuple(segments))
