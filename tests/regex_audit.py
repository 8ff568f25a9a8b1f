"""A static check that a regular expression cannot take superlinear time (#14 finding 3).

Python's ``re`` is a backtracking engine. Three shapes make it superlinear, and this module
finds them in the parsed pattern (``re._parser``), without running it:

* **nested repeats**: an unbounded repeat inside another one (``(a+)+``) that may backtrack:
  exponential;
* **adjacent repeats**: two unbounded repeats that can match the same character, with only
  optional items between them (``\\s*;?\\s*``): every way to split a run between them is tried,
  quadratic per attempt;
* **retried runs**: a pattern used to *search* (``search``, ``sub``, ``finditer``, ...) is
  tried at every position; when an unbounded repeat that is not the pattern's last item can
  match the characters the pattern starts with, each attempt inside a long run scans the rest
  of the run again (``[\\s-]*\\bmode$`` on ``" -" * 16000``): quadratic. A pattern anchored
  at the start of the text is tried once; one anchored at line starts (``^`` with MULTILINE)
  is tried once a line, so only repeats that can cross a line break count there.

Possessive repeats (``*+``) and atomic groups never backtrack, so they pass the first two
checks; they do not help against the third, which is about where attempts start.

A pattern that passes is linear in the text it is given: no backtracking blow-up inside an
attempt, and no two attempts rescanning the same run. Bounded repeats (``{1,120}``) count as a
constant. Characters are compared on a sample alphabet (ASCII, the pattern's own literals and
the Unicode spaces, dashes and invisible characters the package cares about).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from re import _compiler, _constants, _parser  # type: ignore[attr-defined]

#: Repeats bounded above this count are treated as unbounded.
BOUND = 1000

_REPEATS = (_constants.MAX_REPEAT, _constants.MIN_REPEAT, _constants.POSSESSIVE_REPEAT)
_ONE_CHARACTER = (_constants.LITERAL, _constants.NOT_LITERAL, _constants.ANY, _constants.IN)
_ZERO_WIDTH = (_constants.AT, _constants.ASSERT, _constants.ASSERT_NOT)

_BASE_SAMPLE = (
    string.printable
    + "\x00\x1b\x85\xa0\xad\u1680\u180e\u2000\u200a\u200b\u200c\u200d\u2028\u2029\u202e\u2060"
    + "\u3000\ufeff\ufffd–—‘’“”«»éÉñßſKİıǅΕЕ𝐀😀"
)

#: Search-style methods: the pattern is tried at every position of the text.
SEARCHING = frozenset({"search", "sub", "subn", "finditer", "findall", "split"})


@dataclass(frozen=True)
class Finding:
    """One superlinear shape in a pattern."""

    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


def audit(pattern: str | re.Pattern[str], *, searching: bool = True, flags: int = 0) -> list[Finding]:
    """The superlinear shapes of ``pattern`` (empty: proven linear by the three checks).

    ``searching`` says whether the pattern is used to search (tried at every position) or
    only to match at one position (``match``, ``fullmatch``).
    """
    if isinstance(pattern, re.Pattern):
        flags |= pattern.flags
        pattern = pattern.pattern
    parsed = _parser.parse(pattern, flags)
    flags |= parsed.state.flags
    sample = frozenset(_BASE_SAMPLE + "".join(ch for ch in pattern if ch.isprintable()))
    context = _Context(parsed.state, flags, sample)
    findings: list[Finding] = []
    _walk(list(parsed), context, findings)
    if searching:
        branches = _top_branches(list(parsed))
        for branch in branches:
            _retried(branch, context, findings)
    return findings


@dataclass(frozen=True)
class _Context:
    state: object
    flags: int
    sample: frozenset[str]


def _unbounded(node) -> bool:
    op, value = node
    return op in _REPEATS and (value[1] is _constants.MAXREPEAT or value[1] > BOUND)


def _children(node) -> list[list]:
    op, value = node
    if op in _REPEATS:
        return [list(value[2])]
    if op is _constants.SUBPATTERN:
        return [list(value[3])]
    if op is _constants.ATOMIC_GROUP:
        return [list(value)]
    if op is _constants.BRANCH:
        return [list(branch) for branch in value[1]]
    if op in (_constants.ASSERT, _constants.ASSERT_NOT):
        return [list(value[1])]
    return []


def _contains_unbounded(nodes: list) -> bool:
    return any(
        _unbounded(node) or any(_contains_unbounded(child) for child in _children(node)) for node in nodes
    )


def _nullable(nodes: list) -> bool:
    for op, value in nodes:
        if op in _ZERO_WIDTH:
            continue
        if op in _REPEATS:
            if value[0] == 0 or _nullable(list(value[2])):
                continue
            return False
        if op is _constants.SUBPATTERN:
            if _nullable(list(value[3])):
                continue
            return False
        if op is _constants.ATOMIC_GROUP:
            if _nullable(list(value)):
                continue
            return False
        if op is _constants.BRANCH:
            if any(_nullable(list(branch)) for branch in value[1]):
                continue
            return False
        return False
    return True


_ONE_CHARACTER_CACHE: dict[tuple[str, int, frozenset[str]], frozenset[str]] = {}


def _one_character(node, context: _Context) -> frozenset[str]:
    key = (repr(node), context.flags, context.sample)
    if key not in _ONE_CHARACTER_CACHE:
        compiled = _compiler.compile(_parser.SubPattern(context.state, [node]), context.flags)
        _ONE_CHARACTER_CACHE[key] = frozenset(ch for ch in context.sample if compiled.fullmatch(ch))
    return _ONE_CHARACTER_CACHE[key]


def _first(nodes: list, context: _Context) -> frozenset[str]:
    """Characters a match of ``nodes`` can start with."""
    found: set[str] = set()
    for node in nodes:
        op = node[0]
        if op in _ZERO_WIDTH:
            continue
        if op in _ONE_CHARACTER:
            found |= _one_character(node, context)
            return frozenset(found)
        if op is _constants.GROUPREF:
            return context.sample
        for child in _children(node):
            found |= _first(child, context)
        if not _nullable([node]):
            return frozenset(found)
    return frozenset(found)


def _walk(nodes: list, context: _Context, findings: list[Finding]) -> None:
    for index, node in enumerate(nodes):
        op, value = node
        if _unbounded(node) and op is not _constants.POSSESSIVE_REPEAT:
            body = list(value[2])
            if _contains_unbounded(body):
                findings.append(Finding("nested repeats", _parser_text(node)))
            mine = _first(body, context)
            for later in nodes[index + 1 :]:
                if _unbounded(later):
                    # Whatever the second repeat's kind: each character the first gives back
                    # is scanned again by the second.
                    overlap = mine & _first(list(later[1][2]), context)
                    if overlap:
                        findings.append(
                            Finding(
                                "adjacent repeats",
                                f"{_parser_text(node)} then {_parser_text(later)} share {_show(overlap)}",
                            )
                        )
                        break
                if not _nullable([later]):
                    break
        if op is not _constants.ATOMIC_GROUP:
            for child in _children(node):
                _walk(child, context, findings)


def _top_branches(nodes: list) -> list[list]:
    """The alternatives a search tries at each position (a top-level ``a|b`` is two)."""
    if len(nodes) == 1 and nodes[0][0] is _constants.BRANCH:
        return [list(branch) for branch in nodes[0][1][1]]
    if len(nodes) == 1 and nodes[0][0] is _constants.SUBPATTERN:
        return _top_branches(list(nodes[0][1][3]))
    return [nodes]


def _all_repeats(nodes: list) -> list:
    found = []
    for node in nodes:
        if _unbounded(node):
            found.append(node)
        for child in _children(node):
            found += _all_repeats(child)
    return found


def _retried(branch: list, context: _Context, findings: list[Finding]) -> None:
    if not branch:
        return
    op, value = branch[0]
    line_anchored = False
    if op is _constants.AT:
        if value is _constants.AT_BEGINNING_STRING:
            return
        if value is _constants.AT_BEGINNING:
            if not context.flags & re.MULTILINE:
                return
            line_anchored = True
    starts = _first(branch, context)
    # A run that is the branch's last item (with all it contains) cannot make an attempt
    # fail once it has matched its minimum, so it never sends the search back to retry.
    inner = branch[:-1] if _unbounded(branch[-1]) else branch
    candidates = _all_repeats(inner)
    for repeat in candidates:
        body = _first(list(repeat[1][2]), context)
        if line_anchored:
            if "\n" in body:
                findings.append(
                    Finding(
                        "retried runs", f"{_parser_text(repeat)} can cross line breaks in a ^-anchored search"
                    )
                )
        elif body & starts:
            findings.append(
                Finding(
                    "retried runs",
                    f"{_parser_text(repeat)} can match {_show(body & starts)}, where the search starts again",
                )
            )


def _parser_text(node) -> str:
    text = str(node)
    return text if len(text) <= 80 else text[:77] + "..."


def _show(chars: frozenset[str]) -> str:
    shown = sorted(chars)[:6]
    return "".join(repr(ch)[1:-1] for ch in shown) + ("..." if len(chars) > 6 else "")
