"""Splitting a chat mode into its YAML header and Markdown body, and parsing the header.

The header is the text between a first line ``---`` and the next line ``---``. It is parsed
with PyYAML's safe loader (libyaml when available) in steps: the event stream is checked for
nesting depth (every collection style counts, brackets or not), composing gives the node tree
with line numbers, which is checked for alias expansion (size, depth, cycles) before anything
is built, so that a "billion laughs" header costs a bounded walk instead of memory. The walks
over what was built keep their own stacks, so no header reaches Python's recursion limit. python-frontmatter is
not used: its delimiter pattern also swallows blank lines after ``---`` (shifting every line
number) and it builds YAML without any alias bound.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime
import gc
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # libyaml is much faster; the pure-Python loader behaves the same.
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader

_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_NULL_TAG = "tag:yaml.org,2002:null"

#: The YAML 1.2 core schema's plain scalars (YAML 1.2.2, section 10.3.2), which is how VS Code
#: reads a header. PyYAML implements YAML 1.1, where ``yes``, ``on``, ``y``, ``1:30`` (base 60),
#: ``0755`` (octal), ``1_000`` and dates are typed values; in YAML 1.2 they are strings.
#: Each pattern is anchored and has no nested repetition, so resolving stays linear.
_CORE_SCALARS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (_BOOL_TAG, re.compile(r"(?:true|True|TRUE|false|False|FALSE)\Z"), "tTfF"),
    (_NULL_TAG, re.compile(r"(?:~|null|Null|NULL|)\Z"), "~nN"),
    (_INT_TAG, re.compile(r"(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\Z"), "-+0123456789"),
    (
        _FLOAT_TAG,
        re.compile(
            r"(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z"
        ),
        "-+.0123456789",
    ),
)


def _core_resolvers() -> dict[str | None, list[tuple[str, re.Pattern[str]]]]:
    """PyYAML's implicit resolver table (first character -> candidate tags) for the core schema."""
    table: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}
    for tag, pattern, first in _CORE_SCALARS:
        for char in first:
            table.setdefault(char, []).append((tag, pattern))
    table.setdefault(None, []).append((_NULL_TAG, _CORE_SCALARS[1][1]))  # the empty scalar
    return table


class _Yaml12Constructor(yaml.constructor.SafeConstructor):
    """Builds integers as YAML 1.2 writes them (``012`` is twelve, ``0o12`` is ten)."""

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        """An integer of the core schema: decimal, ``0o`` octal or ``0x`` hexadecimal."""
        text = str(self.construct_scalar(node))
        if text.startswith(("0o", "0x")):
            return int(text[2:], 8 if text[1] == "o" else 16)
        return int(text, 10)


_Yaml12Constructor.add_constructor(_INT_TAG, _Yaml12Constructor.construct_yaml_int)  # type: ignore[type-var]


class _Loader(_BaseLoader):
    """PyYAML's safe loader (libyaml's parser when available) resolving plain scalars by the
    YAML 1.2 core schema, as VS Code reads a header: ``description: yes`` is the text "yes",
    ``1:30`` is text, and only ``true``/``false`` (in three casings) are booleans."""

    yaml_implicit_resolvers = _core_resolvers()
    yaml_constructors = _Yaml12Constructor.yaml_constructors


#: The most nodes a header may expand to through aliases.
MAX_EXPANDED_NODES = 10_000

#: The deepest nesting of lists and mappings a header may have. libyaml's composer recurses
#: in C, so a file of nested brackets would crash the process before Python could object.
MAX_DEPTH = 64

_DELIMITER = re.compile(r"---[ \t]*")

_TOO_DEEP = f"the header nests lists and mappings more than {MAX_DEPTH} deep; flatten it"


class HeaderError(Exception):
    """The header cannot be read; ``code`` and ``line`` locate the problem."""

    def __init__(self, code: str, message: str, line: int | None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line


@dataclass
class Header:
    """A parsed header.

    ``data`` holds JSON-compatible values only (dates become ISO strings, keys strings);
    ``lines`` maps each top-level key to its line; ``item_lines`` maps each top-level key
    whose value is a list to the line of every item; ``spans`` maps each top-level list key to
    the character spans, in the file's text, of its scalar items (used by ``fix``).
    """

    data: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    item_lines: dict[str, list[int]] = field(default_factory=dict)
    spans: dict[str, list[tuple[int, int, str | None]]] = field(default_factory=dict)
    present: bool = False
    #: Plain scalars YAML 1.1 reads as booleans though they are not ``true``/``false``
    #: (``yes``, ``Off``, ``TRUE``...): ``(key path, file line, start, end, text)``, offsets in
    #: the file's text. VS Code reads only ``true`` and ``false`` as booleans.
    loose_booleans: list[tuple[tuple[str, ...], int, int, int, str]] = field(default_factory=list)
    #: Quoted scalars whose text is ``true`` or ``false`` in any case (``"true"``, ``'FALSE'``):
    #: text to VS Code, never a boolean. Same tuples as :attr:`loose_booleans`.
    quoted_booleans: list[tuple[tuple[str, ...], int, int, int, str]] = field(default_factory=list)
    #: Plain scalars the YAML 1.2 core schema types as a number or a boolean (``12``, ``1.50``,
    #: ``0x1F``, ``true``): ``(key path with list indexes, file line, text as written)``. VS Code
    #: keeps every scalar's text and reads it as a string where it wants one.
    typed_scalars: list[tuple[tuple[str, ...], int, str]] = field(default_factory=list)


@dataclass
class Split:
    """The header text, the body and where each starts (1-based lines, character offsets)."""

    header: str | None
    header_offset: int
    body: str
    body_line: int


def split(text: str) -> Split:
    """Cut ``text`` (``\\n`` line endings) into header and body.

    Raises :class:`HeaderError` (CM005) when the opening ``---`` is never closed.
    """
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if not _DELIMITER.fullmatch(first):
        return Split(None, 0, text, 1)
    offset = first_end + 1
    position = offset
    line = 2
    while position <= len(text):
        end = text.find("\n", position)
        current = text[position:] if end < 0 else text[position:end]
        if _DELIMITER.fullmatch(current):
            body_start = len(text) if end < 0 else end + 1
            return Split(text[offset:position], offset, text[body_start:], line + 1)
        if end < 0:
            break
        position = end + 1
        line += 1
    raise HeaderError(
        "CM005", "the header opened by '---' on line 1 is never closed: add a line '---' after it", 1
    )


#: Characters that can open a YAML collection: flow brackets, block sequence entries, explicit
#: and implicit mapping keys. A header cannot nest deeper than it has of these.
_OPENERS = "[{-?:"


def _check_expansion(node: yaml.Node, text: str, first_line: int) -> None:
    """Refuse a node graph whose aliases expand past :data:`MAX_EXPANDED_NODES` values or
    :data:`MAX_DEPTH` levels, or that contains itself.

    Each distinct node is visited once (sizes and depths are memoised), iteratively: an
    alias chain can be deep however the events nested, and Python must not recurse on it.
    """
    memo: dict[int, tuple[int, int]] = {}  # id -> (expanded size, expanded depth)
    active: set[int] = set()
    # (node, children left to visit, size so far, depth so far)
    stack: list[tuple[yaml.Node, list[yaml.Node], int, int]] = []

    def children(parent: yaml.Node) -> list[yaml.Node]:
        if isinstance(parent, yaml.SequenceNode):
            return list(reversed(parent.value))
        if isinstance(parent, yaml.MappingNode):
            return [child for pair in reversed(parent.value) for child in reversed(pair)]
        return []

    def enter(child: yaml.Node) -> None:
        if id(child) in active:
            raise HeaderError(
                "CM007",
                "the header refers to itself through an alias; remove the recursive alias",
                _line(text, child.start_mark, first_line),
            )
        active.add(id(child))
        stack.append((child, children(child), 1, 0 if isinstance(child, yaml.ScalarNode) else 1))

    enter(node)
    while stack:
        current, pending, size, depth = stack[-1]
        if pending:
            child = pending.pop()
            known = memo.get(id(child))
            if known is None:
                enter(child)
                continue
            size, depth = size + known[0], max(depth, known[1] + 1)
        else:
            stack.pop()
            active.discard(id(current))
            memo[id(current)] = (size, depth)
            if not stack:
                return
            parent, parent_pending, parent_size, parent_depth = stack[-1]
            size, depth = parent_size + size, max(parent_depth, depth + 1)
            current, pending = parent, parent_pending
        if size > MAX_EXPANDED_NODES:
            raise HeaderError(
                "CM007",
                f"the header expands to more than {MAX_EXPANDED_NODES:,} values through YAML "
                "aliases; write the values out or remove the aliases",
                first_line,
            )
        if depth > MAX_DEPTH:
            raise HeaderError(
                "CM007",
                f"the header nests lists and mappings more than {MAX_DEPTH} deep through YAML "
                "aliases; write the values out or remove the aliases",
                _line(text, current.start_mark, first_line),
            )
        stack[-1] = (current, pending, size, depth)


def _check_depth(events: Any, text: str, first_line: int) -> None:
    """Walk the event stream (iterative in libyaml) and refuse headers nested too deeply.

    Every collection counts, whatever its style: flow brackets, block sequences
    (``- - - a`` nests one list per dash on a single line), block and explicit-key mappings.
    """
    depth = 0
    try:
        while (event := events.get_event()) is not None:
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise HeaderError("CM007", _TOO_DEEP, _line(text, event.start_mark, first_line))
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        events.dispose()


def _plain(value: Any) -> Any:
    """Turn what YAML built into JSON-compatible values, without recursion.

    Nesting and alias expansion are already bounded, but the walk keeps its own stack anyway
    so that no header shape can reach Python's recursion limit here.
    """
    result: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(value, result, 0)]
    while stack:
        item, parent, slot = stack.pop()
        if isinstance(item, dict):
            plain: dict[str, Any] = {}
            parent[slot] = plain
            pairs = [(_key(key), child) for key, child in item.items()]
            for key, _ in pairs:
                plain.setdefault(key, None)  # keys keep their first position ...
            # ... and, as in a dict built in order, the last value of a repeated key wins:
            # pushed in reverse, the pairs are popped (and assigned) in order.
            stack.extend((child, plain, key) for key, child in reversed(pairs))
        elif isinstance(item, list):
            items: list[Any] = [None] * len(item)
            parent[slot] = items
            stack.extend((child, items, index) for index, child in reversed(list(enumerate(item))))
        else:
            parent[slot] = _scalar(item)
    return result[0]


def _scalar(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", "replace")
    if isinstance(value, set):
        return sorted(str(item) for item in value)
    if isinstance(value, float) and value != value:  # NaN has no JSON form
        return None
    return value


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(_scalar(key))


def _line(text: str, mark: Any, first_line: int) -> int:
    """The file line of a YAML mark, counted by '\\n' only: YAML also breaks lines at U+2028,
    U+2029 and U+0085, which would shift its own line numbers."""
    if mark is None:
        return first_line
    return first_line + text.count("\n", 0, mark.index)


_CONSTRUCTION_ERRORS = (ValueError, TypeError, KeyError, AttributeError, OverflowError)


def _failing_line(text: str, node: yaml.Node, first_line: int) -> int:
    """The line of the first top-level value PyYAML cannot build (only called on failure)."""
    if isinstance(node, yaml.MappingNode):
        for _, value_node in node.value:
            try:
                _Yaml12Constructor().construct_document(value_node)
            except _CONSTRUCTION_ERRORS:
                return _line(text, value_node.start_mark, first_line)
            except yaml.YAMLError:
                continue
    return first_line


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block (back on after it, if it was on).

    Composing a header allocates a node, marks and events per value. Each collection the
    allocations trigger walks every object still alive, and a large header keeps all of its
    nodes alive until it is built: a header of many small anchored values took time
    quadratic in its size. Nothing made here needs the collector (the node graph is freed by
    reference counting, or by the next collection after the block).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_header(text: str, first_line: int, offset: int) -> Header:
    """Parse header text that starts on file line ``first_line`` at character ``offset``.

    Raises :class:`HeaderError`: CM005 for YAML syntax errors (at the line YAML names),
    CM006 when the header is not a mapping, CM007 for alias bombs, recursive aliases and
    nesting deeper than :data:`MAX_DEPTH` (in any YAML style, directly or through aliases).
    """
    with _collector_paused():
        return _parse_header(text, first_line, offset)


def _parse_header(text: str, first_line: int, offset: int) -> Header:
    if not text.strip():
        return Header(present=True)
    loader = _Loader(text)
    try:
        if sum(text.count(char) for char in _OPENERS) > MAX_DEPTH:
            # Composing recurses (in C with libyaml), so depth is checked on the event
            # stream first. A header with fewer openers than the bound cannot be too deep.
            _check_depth(_Loader(text), text, first_line)
        node = loader.get_single_node()
        if node is None:
            return Header(present=True)
        # Without an anchor there is no alias, and the event check above bounded the depth.
        if "&" in text:
            _check_expansion(node, text, first_line)
        if not isinstance(node, yaml.MappingNode):
            kind = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
            raise HeaderError(
                "CM006",
                f"the header is {kind}, not a mapping of fields; write 'key: value' lines",
                _line(text, node.start_mark, first_line),
            )
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or str(error)
        if mark is not None and text[mark.index : mark.index + 1] == "\t":
            problem += " (a tab: YAML indents with spaces only)"
        if "nesting depth" in problem:
            # Newer libyaml builds stop very deep nesting themselves (while our event walk
            # reads them): the same finding as ours, in the same words.
            raise HeaderError("CM007", _TOO_DEEP, _line(text, mark, first_line)) from None
        raise HeaderError("CM005", f"YAML syntax error: {problem}", _line(text, mark, first_line)) from None
    except yaml.YAMLError as error:
        raise HeaderError("CM005", f"YAML error: {error}", first_line) from None
    except RecursionError:
        raise HeaderError("CM007", "the header is nested too deeply", first_line) from None
    except _CONSTRUCTION_ERRORS as error:
        # PyYAML resolves some scalars (2024-13-45, !!int abc) to types it then cannot build.
        raise HeaderError(
            "CM005",
            f"a value in the header cannot be read ({error}); quote it to keep it as text",
            _failing_line(text, node, first_line),
        ) from None
    finally:
        loader.dispose()
    header = Header(data=_plain(data), present=True)
    # One sorted list of line breaks instead of counting from the top for every item: a
    # header of many list items would otherwise cost items x size.
    breaks = [match.start() for match in re.finditer("\n", text)]

    def line_of(mark: yaml.Mark) -> int:
        return first_line + bisect.bisect_left(breaks, mark.index)

    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        key = _key(key_node.value)
        header.lines.setdefault(key, line_of(key_node.start_mark))
        if isinstance(value_node, yaml.SequenceNode):
            header.item_lines[key] = [line_of(item.start_mark) for item in value_node.value]
            header.spans[key] = [
                (offset + item.start_mark.index, offset + item.end_mark.index, item.style)
                if isinstance(item, yaml.ScalarNode)
                else (-1, -1, None)
                for item in value_node.value
            ]
    _collect_scalars(header, node, text, first_line, offset)
    return header


#: Plain scalars YAML 1.1 reads as booleans: what a header written for PyYAML-era tools may mean
#: as true or false. VS Code (YAML 1.2) reads them as text, and only lower-case ``true`` and
#: ``false`` as booleans (its ``isTrueOrFalse``).
_YAML11_BOOLEANS = frozenset(
    spelling
    for word in ("y", "yes", "n", "no", "true", "false", "on", "off")
    for spelling in (word, word.capitalize(), word.upper())
)


_TYPED_TAGS = frozenset({_INT_TAG, _FLOAT_TAG, _BOOL_TAG})

Found = list[tuple[tuple[str, ...], int, int, str]]


def _collect_scalars(header: Header, root: yaml.MappingNode, text: str, first_line: int, offset: int) -> None:
    """Fill ``header``'s :attr:`~Header.loose_booleans`, :attr:`~Header.quoted_booleans` and
    :attr:`~Header.typed_scalars` in one walk of the composed tree, with an explicit stack (its
    depth and size are already bounded); a node shared through aliases is visited once."""
    loose: Found = []
    quoted: Found = []
    typed: list[tuple[tuple[str, ...], int, str]] = []
    # (node, path with "[]" for any list item, path with the item's index)
    stack: list[tuple[yaml.Node, tuple[str, ...], tuple[str, ...]]] = [(root, (), ())]
    seen: set[int] = set()
    while stack:
        node, path, indexed = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
                stack.append((value_node, (*path, key), (*indexed, key)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(
                (item, (*path, "[]"), (*indexed, str(index))) for index, item in enumerate(node.value)
            )
        elif isinstance(node, yaml.ScalarNode):
            span = (path, node.start_mark.index, node.end_mark.index, node.value)
            if node.style in ("'", '"'):
                if node.value.strip().lower() in ("true", "false"):
                    quoted.append(span)
            elif not node.style:
                if node.value in _YAML11_BOOLEANS and node.value not in ("true", "false"):
                    loose.append(span)
                if node.tag in _TYPED_TAGS:
                    typed.append((indexed, node.start_mark.index, node.value))
    if not (loose or quoted or typed):
        return
    breaks = [match.start() for match in re.finditer("\n", text)]

    def located(found: Found) -> list[tuple[tuple[str, ...], int, int, int, str]]:
        found.sort(key=lambda item: item[1])
        return [
            (path, first_line + bisect.bisect_left(breaks, start), offset + start, offset + end, value)
            for path, start, end, value in found
        ]

    header.loose_booleans = located(loose)
    header.quoted_booleans = located(quoted)
    typed.sort(key=lambda item: item[1])
    header.typed_scalars = [
        (path, first_line + bisect.bisect_left(breaks, start), value) for path, start, value in typed
    ]
