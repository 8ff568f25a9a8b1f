"""Slugs and display names of chat modes (contract: "Identity")."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence

from chatmode_registry.core.markdown_lines import Fences
from chatmode_registry.core.pages import RESERVED_SLUGS

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_HEADING = re.compile(r"^# (.*)$", re.MULTILINE)

# The heading clean-up is written with str methods, each a single pass over the title:
# the regular expressions it replaces (a separator run, a word boundary and a kind word
# anchored at the end; an emphasis run anchored at the end) were retried from every position
# and took time quadratic in a title such as "x" + " -" * 16,000 + "y".
#: Characters between a name and a trailing kind word ("Reviewer - Agent", "Planner: Mode"),
#: besides whitespace.
_SEPARATORS = frozenset("-–—:|")
#: Emphasis markers around a heading ("# **Planner**").
_EMPHASIS = "*_`~"


#: How alike two names must be (difflib's ratio) to suggest one for the other.
CLOSE_NAME_CUTOFF = 0.75


def close_names(text: str, candidates: Iterable[str], *, limit: int = 1) -> list[str]:
    """The candidates that look like ``text``, best first: what "did you mean" offers."""
    return difflib.get_close_matches(text, list(candidates), n=limit, cutoff=CLOSE_NAME_CUTOFF)


def slugify(text: str) -> str:
    """Lower-case ``text``, turn every run of characters outside ``a-z0-9`` into ``-``, trim."""
    return _NOT_SLUG.sub("-", text.lower()).strip("-")


def heading_name(body: str) -> str:
    """The first ``# `` heading of a body (outside code), without a trailing "Chat Mode",
    "Chatmode", "Mode" or "Agent"; an empty string when there is none."""
    markers = [found for found in (body.find("```"), body.find("~~~")) if found >= 0]
    first_fence = min(markers) if markers else len(body)
    fences: Fences | None = None
    for match in _HEADING.finditer(body):
        if match.start() > first_fence:
            fences = fences or Fences(body)
            if fences.contains(match.start()):
                continue
        title = match.group(1).strip().rstrip("#").strip().strip(_EMPHASIS).strip()
        return strip_kind(title).strip()
    return ""


def _is_word(char: str) -> bool:
    """Whether ``char`` is a word character as the ``re`` module's ``\\w`` sees it."""
    return char.isalnum() or char == "_"


def _kind_start(title: str) -> int | None:
    """Where a trailing kind word of ``title`` (already right-stripped) starts, or ``None``.

    The kind words are "chat mode" (any whitespace between, or none), "mode" and "agent", in
    any letter case, preceded by a word boundary; "chat mode" is preferred to "mode" when
    both fit, as the longer (leftmost) match.
    """
    candidates: list[int] = []
    if title[-4:].lower() == "mode":
        mode = len(title) - 4
        chat = title[:mode].rstrip()
        if chat[-4:].lower() == "chat":
            candidates.append(len(chat) - 4)
        candidates.append(mode)
    elif title[-5:].lower() == "agent":
        candidates.append(len(title) - 5)
    for start in candidates:
        if start == 0 or not _is_word(title[start - 1]):
            return start
    return None


def strip_kind(title: str) -> str:
    """``title`` without a trailing "Chat Mode", "Chatmode", "Mode" or "Agent" and the
    separators (whitespace, dashes, colons, bars) before it; unchanged when it has none.

    Linear in the title: one right-strip, constant-size comparisons, one scan back over
    the separators.
    """
    stripped = title.rstrip()
    start = _kind_start(stripped)
    if start is None:
        return title
    while start > 0 and (stripped[start - 1] in _SEPARATORS or stripped[start - 1].isspace()):
        start -= 1
    return stripped[:start]


def choose_name(header_name: object, heading: str, slug: str) -> str:
    """``name`` from the header; else ``heading`` (:func:`heading_name` of the body); else the
    slug title-cased."""
    if isinstance(header_name, str) and header_name.strip():
        return header_name.strip()
    return heading or slug.replace("-", " ").title()


#: At most this many other files are named in a shared-slug message; the rest are counted.
MAX_NAMED_OTHERS = 5


def assign_slugs(stems: Sequence[str]) -> tuple[list[str], dict[int, str]]:
    """Unique slugs for file stems given in source order.

    Returns the slugs and, for every index whose slug had to change (empty, reserved or shared
    with another file), why; files that share a slug are all named in that mapping, the first
    keeping the plain slug. Suffixes are ``-2``, ``-3``, ... and skip slugs already taken.

    Linear in the number of stems however many share a slug: files are grouped by slug once,
    a message names at most :data:`MAX_NAMED_OTHERS` others ("and 1,990 more"), and each slug
    remembers the next suffix to try.
    """
    bases = [slugify(stem) for stem in stems]
    groups: dict[str, list[int]] = {}
    for index, base in enumerate(bases):
        groups.setdefault(base, []).append(index)
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
        group = groups[base]
        if len(group) > 1 and base:
            others = [stems[other] for other in group[: MAX_NAMED_OTHERS + 1] if other != index]
            named = ", ".join(repr(other) for other in others[:MAX_NAMED_OTHERS])
            more = len(group) - 1 - min(len(others), MAX_NAMED_OTHERS)
            problems[index] = f"slug '{base}' is shared with {named}" + (
                f" and {more:,} more" if more else ""
            )
    next_number: dict[str, int] = {}
    for index in pending:
        base = bases[index] or "chatmode"
        number = next_number.get(base, 2)
        while f"{base}-{number}" in taken or f"{base}-{number}" in groups:
            number += 1
        next_number[base] = number + 1
        slugs[index] = f"{base}-{number}"
        taken.add(slugs[index])
        if not bases[index]:
            problems[index] = "the file name gives an empty slug"
        elif bases[index] in RESERVED_SLUGS:
            problems[index] = f"slug '{bases[index]}' is reserved for a catalog page"
    return slugs, problems
