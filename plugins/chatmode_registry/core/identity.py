"""Slugs and display names of chat modes (contract: "Identity")."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from chatmode_registry.core.markdown_lines import Fences

#: Slugs the catalog uses for its own pages.
RESERVED_SLUGS = frozenset({"graph", "tools", "models", "report", "changes"})

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_TRAILING_KIND = re.compile(r"[\s\-–—:|]*\b(?:chat\s*mode|chatmode|mode|agent)\s*$", re.IGNORECASE)
_HEADING = re.compile(r"^# (.*)$", re.MULTILINE)
_EMPHASIS = re.compile(r"^[*_`~]+|[*_`~]+$")


def slugify(text: str) -> str:
    """Lower-case ``text``, turn every run of characters outside ``a-z0-9`` into ``-``, trim."""
    return _NOT_SLUG.sub("-", text.lower()).strip("-")


def heading_name(body: str) -> str:
    """The first ``# `` heading of a body (outside code), without a trailing "Chat Mode",
    "Chatmode", "Mode" or "Agent"; an empty string when there is none."""
    fences: Fences | None = None
    for match in _HEADING.finditer(body):
        if "```" in body[: match.start()] or "~~~" in body[: match.start()]:
            fences = fences or Fences(body)
            if fences.contains(match.start()):
                continue
        title = _EMPHASIS.sub("", match.group(1).strip().rstrip("#").strip()).strip()
        return _TRAILING_KIND.sub("", title).strip()
    return ""


def display_name(header_name: object, body: str, slug: str) -> str:
    """``name`` from the header; else the first heading; else the slug title-cased."""
    return choose_name(header_name, heading_name(body), slug)


def choose_name(header_name: object, heading: str, slug: str) -> str:
    """:func:`display_name` from an already extracted heading."""
    if isinstance(header_name, str) and header_name.strip():
        return header_name.strip()
    return heading or slug.replace("-", " ").title()


def assign_slugs(stems: Sequence[str]) -> tuple[list[str], dict[int, str]]:
    """Unique slugs for file stems given in source order.

    Returns the slugs and, for every index whose slug had to change (empty, reserved or shared
    with another file), why; files that share a slug are all named in that mapping, the first
    keeping the plain slug. Suffixes are ``-2``, ``-3``, ... and skip slugs already taken.
    """
    bases = [slugify(stem) for stem in stems]
    counts = Counter(bases)
    slugs: list[str] = [""] * len(bases)
    problems: dict[int, str] = {}
    taken: set[str] = set()
    pending: list[int] = []
    for index, base in enumerate(bases):
        if not base or base in RESERVED_SLUGS or base in taken:
            pending.append(index)
        else:
            slugs[index] = base
            taken.add(base)
        if counts[base] > 1 and base:
            others = [stems[other] for other, value in enumerate(bases) if value == base and other != index]
            problems[index] = f"slug '{base}' is shared with {', '.join(repr(o) for o in others)}"
    for index in pending:
        base = bases[index] or "chatmode"
        number = 2
        while f"{base}-{number}" in taken or f"{base}-{number}" in counts:
            number += 1
        slugs[index] = f"{base}-{number}"
        taken.add(slugs[index])
        if not bases[index]:
            problems[index] = "the file name gives an empty slug"
        elif bases[index] in RESERVED_SLUGS:
            problems[index] = f"slug '{bases[index]}' is reserved for a catalog page"
    return slugs, problems
