"""YAML headers nested ``depth`` collections deep, in every style YAML has (#14 finding 2).

Brackets are only one way to nest: block sequences nest one list per ``- `` on a single line,
block mappings nest by indentation, explicit keys (``? ``) nest mappings as keys, and aliases
nest whatever their anchors hold. Each form below returns header lines (after
``description:``) whose deepest value lies ``depth`` collections below the header mapping, so
the header as a whole nests ``depth + 1`` deep. Used by the tests, the hostile tree and the
hostile benchmark.
"""

from __future__ import annotations

from collections.abc import Callable


def block_sequence_one_line(depth: int) -> str:
    """``x:`` then ``- - - ... a``: one list per dash, no bracket anywhere."""
    return "x:\n" + "- " * depth + "a\n"


def block_sequence_indented(depth: int) -> str:
    """Each ``-`` on its own line, its item indented below it."""
    return "x:\n" + "".join(" " * level + "-\n" for level in range(depth)) + " " * depth + "a\n"


def block_mapping_indented(depth: int) -> str:
    """``k0:`` / `` k1:`` / ``  k2:`` ...: one mapping per level of indentation."""
    return (
        "x:\n"
        + "".join(" " * (level + 1) + f"k{level}:\n" for level in range(depth - 1))
        + (" " * depth + "v: w\n")
    )


def explicit_keys(depth: int) -> str:
    """``? ? ? a``: mappings nested as keys of mappings (unhashable in Python: a YAML error
    at any depth, but the depth bound must still come first)."""
    return "x:\n  " + "? " * depth + "a\n"


def sequence_of_mappings(depth: int) -> str:
    """``- - - k: v``: block lists ending in a mapping, on one line."""
    return "x:\n" + "- " * (depth - 1) + "k: v\n"


def flow_sequences(depth: int) -> str:
    """``[[[...]]]``."""
    return "x: " + "[" * depth + "]" * depth + "\n"


def flow_mappings(depth: int) -> str:
    """``{a: {a: ... b}}``."""
    return "x: " + "{a: " * (depth - 1) + "{a: b" + "}" * depth + "\n"


def flow_inside_block(depth: int) -> str:
    """Block lists, then flow lists inside the innermost item."""
    half = depth // 2
    return "x:\n" + "- " * half + "[" * (depth - half) + "]" * (depth - half) + "\n"


def alias_chain(depth: int) -> str:
    """Anchors nested a few levels each, every one holding the previous one's alias: each
    line is shallow, the expansion is deep (and small: the chain is not a bomb)."""
    step = 4
    first = depth % step or step
    lines = ["x0: &x0 " + "[" * first + "a" + "]" * first]
    for index in range(1, -(-depth // step)):
        lines.append(f"x{index}: &x{index} " + "[" * step + f"*x{index - 1}" + "]" * step)
    return "\n".join(lines) + "\n"


def in_handoffs(depth: int) -> str:
    """Deep nesting inside a field the schema checks (a handoff's prompt)."""
    return (
        "handoffs:\n  - label: l\n    agent: a\n    prompt: " + "[" * (depth - 2) + "]" * (depth - 2) + "\n"
    )


#: Every form, by name.
FORMS: dict[str, Callable[[int], str]] = {
    function.__name__: function
    for function in (
        block_sequence_one_line,
        block_sequence_indented,
        block_mapping_indented,
        explicit_keys,
        sequence_of_mappings,
        flow_sequences,
        flow_mappings,
        flow_inside_block,
        alias_chain,
        in_handoffs,
    )
}


def deep_chatmode(form: str, depth: int) -> str:
    """A whole chat mode whose header nests ``depth`` collections below the header mapping."""
    return "---\ndescription: deep\n" + FORMS[form](depth) + "---\n# Deep\n\nBody.\n"
