"""What a name, a title or a genre word may be, in any language and script.

Registers come from ministries in Kazakh, Russian, Kyrgyz, Uzbek, English and others: letters of every script
(Unicode letters, combining marks, digits) are as good as Latin ones. What is refused is what no name is made
of: control characters, a value of punctuation only, empty parts of a list (`drama||`), over-long words.
"""
from __future__ import annotations

import unicodedata

from django.utils.translation import gettext

from .importing import RowError

GENRE_MAX = 40
# Joiners that may sit inside a word: hyphens, apostrophes (typewriter, typographic, modifier letter) and the
# underscore that older English vocabularies used (science_fiction).
WORD_JOINERS = set("-'’ʼ_‐‑")


def _has_control(value: str) -> bool:
    # Cc: C0/C1 controls (tab, newline, NUL…); Cs/Co: surrogates and private use, never real text.
    return any(unicodedata.category(ch) in {"Cc", "Cs", "Co"} for ch in value)


def _letter_or_digit(ch: str) -> bool:
    return unicodedata.category(ch)[0] in {"L", "N", "M"}


def clean_name(value: str, column: str, *, max_length: int = 300, required: bool = False) -> str:
    """A title or name in any script: NFC-normalised, no control characters, at least one letter or digit."""
    value = unicodedata.normalize("NFC", (value or "").strip())
    if not value:
        if required:
            raise RowError(column, gettext("required"))
        return ""
    if _has_control(value):
        raise RowError(column, gettext("'%(value)s' contains a control character (tab, line break or similar); "
                                       "remove it") % {"value": value.encode("unicode_escape").decode("ascii")})
    if not any(_letter_or_digit(ch) for ch in value):
        raise RowError(column, gettext("'%(value)s' has no letter or digit: a name cannot be punctuation only")
                       % {"value": value})
    if len(value) > max_length:
        raise RowError(column, gettext("longer than %(max)s characters") % {"max": max_length})
    return value


def clean_word(value: str, column: str, *, max_length: int = GENRE_MAX) -> str:
    """One genre word in any script: letters, marks and digits, joined by spaces, hyphens or apostrophes."""
    word = " ".join(unicodedata.normalize("NFC", value).split()).lower()
    if not word:
        raise RowError(column, gettext("an empty part between '|' separators; remove the extra '|'"))
    if _has_control(value):
        raise RowError(column, gettext("'%(value)s' contains a control character; remove it")
                       % {"value": value.encode("unicode_escape").decode("ascii")})
    if len(word) > max_length:
        raise RowError(column, gettext("'%(value)s' is longer than %(max)s characters") % {
            "value": word, "max": max_length})
    allowed = all(_letter_or_digit(ch) or ch == " " or ch in WORD_JOINERS for ch in word)
    if not allowed or not _letter_or_digit(word[0]) or not _letter_or_digit(word[-1]):
        raise RowError(column, gettext(
            "'%(value)s' is not a genre word: letters or digits of any script, joined by spaces, hyphens or "
            "apostrophes, e.g. drama or драма") % {"value": word})
    return word


def split_words(value: str, column: str, *, max_length: int = GENRE_MAX) -> list[str]:
    """`драма|тарих` → ['драма', 'тарих']; an empty part (`drama||`) is refused, repeats are kept once."""
    value = (value or "").strip()
    if not value:
        return []
    words = []
    for part in value.split("|"):
        word = clean_word(part, column, max_length=max_length)
        if word not in words:
            words.append(word)
    return words
