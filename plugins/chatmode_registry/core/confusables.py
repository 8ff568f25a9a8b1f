"""Look-alike names: Unicode's confusables skeleton (UTS #39, section 4), from shipped data.

Two names are confusable when their skeletons are equal: ``Security Εngineer`` (a Greek
capital epsilon) and ``Security Engineer`` both become ``Security Engineer``. The data is
Unicode's ``confusables.txt`` as the ``confusable-homoglyphs`` package ships it
(``confusables.json``: for every character, the characters and sequences it is confusable
with). This module turns it into a skeleton map once per process: characters confusable with
each other form one class, mapped to its lowest code point (Unicode's prototypes are the
plain forms, ``E`` for ``Ε``, ``Е`` and ``𝐄``); a character whose only entry is a sequence maps
to that sequence (``m`` to ``rn``, as in ``confusables.txt``). The skeleton of a string is:
hidden characters removed (UTS #39 drops default-ignorables), NFD, each character mapped,
NFD again. One pass over the string.
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from importlib.resources import files

from chatmode_registry.core import hidden


@cache
def _skeleton_map() -> dict[str, str]:
    """Character -> its prototype (a character or a short sequence); absent when it is its own."""
    data: dict[str, list[dict[str, str]]] = json.loads(
        files("confusable_homoglyphs").joinpath("confusables.json").read_text(encoding="utf-8")
    )
    parent: dict[str, str] = {}

    def root(char: str) -> str:
        while parent.get(char, char) != char:
            parent[char] = parent.get(parent[char], parent[char])  # path halving
            char = parent[char]
        return char

    sequences: dict[str, str] = {}
    for char, entries in data.items():
        if len(char) != 1:
            continue
        singles = [entry["c"] for entry in entries if len(entry["c"]) == 1]
        if not singles and len(entries) == 1 and not hidden.has_hidden(entries[0]["c"]):
            sequences[char] = entries[0]["c"]
        for other in singles:
            a, b = root(char), root(other)
            if a != b:
                # The lower code point stays the root: it is the prototype of the class.
                low, high = (a, b) if ord(a) < ord(b) else (b, a)
                parent[high] = low
    table: dict[str, str] = {}
    for char in set(parent) | set(sequences):
        prototype = root(char)
        prototype = sequences.get(prototype, prototype)
        if prototype != char:
            table[char] = prototype
    return table


def skeleton(text: str) -> str:
    """The UTS #39 skeleton of ``text`` (see the module docstring)."""
    table = _skeleton_map()
    decomposed = unicodedata.normalize("NFD", hidden.remove(text))
    return unicodedata.normalize("NFD", "".join(table.get(char, char) for char in decomposed))


def differences(a: str, b: str) -> list[str]:
    """The characters of ``a`` that ``b`` lacks, described (``U+0395 GREEK CAPITAL LETTER
    EPSILON``): what makes two confusable names different."""
    others = set(b)
    return list(dict.fromkeys(hidden.describe(char) for char in a if char not in others))
