"""Characters that hide text from a reader but not from a model, found, shown and removed.

A chat mode's instructions go to a language model as they are. Characters that a reader
cannot see (zero-width spaces, Unicode tag characters, which can spell out a whole sentence
invisibly, bidirectional controls that reorder what is shown, invisible operators, Hangul
fillers, the combining grapheme joiner, stray variation selectors) can hide instructions
from whoever reviews the file. So can control characters: an ESC sequence hides text, sets a
terminal's title or writes its clipboard (OSC 52) when the file is shown with ``cat``,
``git diff`` or ``less -R``, a carriage return not followed by a line feed lets the rest of a
line overwrite what came before it, and BEL and the other C0 and C1 controls have no place in
Markdown. Only tab and line feed (and the CR of a CRLF pair) are text. This module is the one place that says which characters those
are, where emoji legitimately use some of them (a zero-width joiner inside 👨‍💻, a variation
selector after ❤, tag characters in a subdivision flag), how to make them visible, and how to
remove them. Every function is one pass over the text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator

#: Every character that can hide or reorder text (see the module docstring).
_HIDDEN_CLASS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 controls but tab and line feed, DEL, C1 controls
    "\u00ad"  # soft hyphen
    "\u034f"  # combining grapheme joiner
    "\u061c"  # Arabic letter mark
    "\u115f\u1160"  # Hangul choseong / jungseong fillers
    "\u180e"  # Mongolian vowel separator
    "\u200b-\u200f"  # zero-width space, non-joiner, joiner, LRM, RLM
    "\u202a-\u202e"  # bidi embeddings and overrides
    "\u2060-\u2064"  # word joiner, invisible operators
    "\u2066-\u2069"  # bidi isolates
    "\u3164"  # Hangul filler
    "\ufe00-\ufe0f"  # variation selectors
    "\ufeff"  # zero-width no-break space (a BOM inside the text)
    "\uffa0"  # halfwidth Hangul filler
    "\U000e0000-\U000e007f"  # tag characters
    "\U000e0100-\U000e01ef"  # variation selectors supplement
)
HIDDEN = re.compile(f"[{_HIDDEN_CLASS}]")

#: Bidirectional controls: they reorder what is displayed (also flagged in file names).
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

_ZWJ = "\u200d"
_EMOJI_PRESENTATION = "\ufe0e\ufe0f"
_BLACK_FLAG = "\U0001f3f4"
_CANCEL_TAG = "\U000e007f"


def _is_emoji(char: str) -> bool:
    """A character that starts or continues an emoji sequence (pictographs, symbols that take
    an emoji presentation, skin tones, keycap bases, the emoji variation selector itself)."""
    code = ord(char)
    return (
        0x1F000 <= code <= 0x1FAFF
        or 0x2190 <= code <= 0x21FF
        or 0x2300 <= code <= 0x23FF
        or 0x2460 <= code <= 0x27BF
        or 0x2900 <= code <= 0x297F
        or 0x2B00 <= code <= 0x2BFF
        or code in (0x00A9, 0x00AE, 0x203C, 0x2049, 0x2122, 0x2139, 0x3030, 0x303D, 0x3297, 0x3299)
        or char in "#*0123456789\ufe0f\u20e3"
    )


def _allowed(text: str, index: int) -> bool:
    """True when the zero-width joiner or variation selector at ``index`` belongs to an emoji,
    or the carriage return at ``index`` ends a CRLF line break."""
    char = text[index]
    if char == "\r":
        return text.startswith("\n", index + 1)
    before = text[index - 1] if index else ""
    if char == _ZWJ:
        after = text[index + 1] if index + 1 < len(text) else ""
        return bool(before and after) and _is_emoji(before) and _is_emoji(after)
    if char in _EMOJI_PRESENTATION:
        return bool(before) and _is_emoji(before)
    return False


def _is_tag(char: str) -> bool:
    return "\U000e0000" <= char <= _CANCEL_TAG


def find(text: str) -> Iterator[int]:
    """The index of every hidden character of ``text`` that is not part of an emoji, in order.

    A run of tag characters is judged once as a whole (a subdivision flag is U+1F3F4, tag
    letters, then the cancel tag), so each character is looked at a bounded number of times.
    """
    position = 0
    while (match := HIDDEN.search(text, position)) is not None:
        index = match.start()
        if _is_tag(text[index]):
            end = index
            while end < len(text) and _is_tag(text[end]):
                end += 1
            flag = (
                index > 0
                and text[index - 1] == _BLACK_FLAG
                and text[end - 1] == _CANCEL_TAG
                and all("\U000e0020" <= char <= "\U000e007e" for char in text[index : end - 1])
            )
            if not flag:
                yield from range(index, end)
            position = end
            continue
        if not _allowed(text, index):
            yield index
        position = index + 1


def has_hidden(text: str) -> bool:
    """True when ``text`` holds a hidden character outside emoji sequences."""
    return HIDDEN.search(text) is not None and next(find(text), None) is not None


#: The names of the C0 controls and DEL (Unicode gives them none; these are ECMA-48's).
_CONTROL_NAMES = [
    "NUL",
    "SOH",
    "STX",
    "ETX",
    "EOT",
    "ENQ",
    "ACK",
    "BEL",
    "BS",
    "HT",
    "LF",
    "VT",
    "FF",
    "CR",
    "SO",
    "SI",
    "DLE",
    "DC1",
    "DC2",
    "DC3",
    "DC4",
    "NAK",
    "SYN",
    "ETB",
    "CAN",
    "EM",
    "SUB",
    "ESC",
    "FS",
    "GS",
    "RS",
    "US",
]


def describe(char: str) -> str:
    """``U+200B ZERO WIDTH SPACE``; ``U+001B ESC (control)`` for a control character."""
    code = ord(char)
    if code < 0x20:
        return f"U+{code:04X} {_CONTROL_NAMES[code]} (control)"
    if 0x7F <= code <= 0x9F:
        return f"U+{code:04X} {'DEL' if code == 0x7F else 'C1'} (control)"
    return f"U+{code:04X} {unicodedata.name(char, 'UNNAMED')}"


def tag_text(text: str) -> str:
    """The ASCII a run of tag characters spells (U+E0041 is a hidden ``A``)."""
    return "".join(chr(ord(char) - 0xE0000) for char in text if "\U000e0020" <= char <= "\U000e007e")


def marker(char: str) -> str:
    """How a hidden character is shown: ``⟦U+200B⟧`` (plain text, escaped where it is placed)."""
    return f"\u27e6U+{ord(char):04X}\u27e7"


def reveal(text: str) -> str:
    """``text`` with every hidden character replaced by its visible :func:`marker`, so a reader
    sees what the model will see; emoji sequences are left whole."""
    return _replace_hidden(text, marker)


def reveal_source(text: str) -> str:
    """:func:`reveal` for a whole file's text: a leading byte order mark is kept as it is."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    return bom + reveal(text[len(bom) :])


def remove(text: str) -> str:
    """``text`` without its hidden characters (emoji sequences kept)."""
    return _replace_hidden(text, lambda _char: "")


def _replace_hidden(text: str, replacement: Callable[[str], str]) -> str:
    """``text`` with each hidden character that :func:`find` reports replaced, in one pass."""
    if HIDDEN.search(text) is None:
        return text
    pieces: list[str] = []
    last = 0
    for index in find(text):
        pieces.append(text[last:index])
        pieces.append(replacement(text[index]))
        last = index + 1
    pieces.append(text[last:])
    return "".join(pieces)
