"""Splitting a chat mode into its YAML header and Markdown body, and parsing the header.

The header is the text between a first line ``---`` and the next line ``---``. It is parsed
with PyYAML's safe loader (libyaml when available) in two steps: composing gives the node
tree with line numbers, which is checked for alias expansion before anything is built, so
that a "billion laughs" header costs a bounded walk instead of memory. python-frontmatter is
not used: its delimiter pattern also swallows blank lines after ``---`` (shifting every line
number) and it builds YAML without any alias bound.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # libyaml is ten times faster; the pure-Python loader behaves the same.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

#: The most nodes a header may expand to through aliases.
MAX_EXPANDED_NODES = 10_000

#: The deepest nesting of lists and mappings a header may have. libyaml's composer recurses
#: in C, so a file of nested brackets would crash the process before Python could object.
MAX_DEPTH = 64

_DELIMITER = re.compile(r"---[ \t]*")


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


def _expanded_size(node: yaml.Node, memo: dict[int, int], active: set[int], first_line: int) -> int:
    key = id(node)
    if key in memo:
        return memo[key]
    if key in active:
        raise HeaderError(
            "CM007",
            "the header refers to itself through an alias; remove the recursive alias",
            node.start_mark.line + first_line,
        )
    active.add(key)
    total = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            total += _expanded_size(child, memo, active, first_line)
            if total > MAX_EXPANDED_NODES:
                break
    elif isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            total += _expanded_size(key_node, memo, active, first_line)
            total += _expanded_size(value_node, memo, active, first_line)
            if total > MAX_EXPANDED_NODES:
                break
    active.discard(key)
    memo[key] = total
    return total


def _check_depth(events: Any, text: str, first_line: int) -> None:
    """Walk the event stream (iterative in libyaml) and refuse headers nested too deeply."""
    depth = 0
    try:
        while (event := events.get_event()) is not None:
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise HeaderError(
                        "CM007",
                        f"the header nests lists and mappings more than {MAX_DEPTH} deep; flatten it",
                        _line(text, event.start_mark, first_line),
                    )
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    finally:
        events.dispose()


def _plain(value: Any) -> Any:
    """Turn what YAML built into JSON-compatible values (shared aliases are already bounded)."""
    if isinstance(value, dict):
        return {_key(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
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
    return str(_plain(key))


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
                yaml.constructor.SafeConstructor().construct_document(value_node)
            except _CONSTRUCTION_ERRORS:
                return _line(text, value_node.start_mark, first_line)
            except yaml.YAMLError:
                continue
    return first_line


def parse_header(text: str, first_line: int, offset: int) -> Header:
    """Parse header text that starts on file line ``first_line`` at character ``offset``.

    Raises :class:`HeaderError`: CM005 for YAML syntax errors (at the line YAML names),
    CM006 when the header is not a mapping, CM007 for alias bombs and recursive aliases.
    """
    if not text.strip():
        return Header(present=True)
    loader = _Loader(text)
    try:
        if text.count("[") + text.count("{") > MAX_DEPTH:
            # Only flow brackets can nest deep enough to hurt within max_bytes; block
            # nesting needs ever longer indentation.
            _check_depth(_Loader(text), text, first_line)
        node = loader.get_single_node()
        if node is None:
            return Header(present=True)
        # Without an anchor there is no alias, and the header's size already bounds its nodes.
        if "&" in text and _expanded_size(node, {}, set(), first_line) > MAX_EXPANDED_NODES:
            raise HeaderError(
                "CM007",
                f"the header expands to more than {MAX_EXPANDED_NODES:,} values through YAML "
                "aliases; write the values out or remove the aliases",
                first_line,
            )
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
        # Newer libyaml builds stop deep nesting themselves; that is the same bound as ours.
        code = "CM007" if "nesting depth" in problem else "CM005"
        raise HeaderError(code, f"YAML syntax error: {problem}", _line(text, mark, first_line)) from None
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
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        key = _key(_plain(key_node.value))
        header.lines.setdefault(key, _line(text, key_node.start_mark, first_line))
        if isinstance(value_node, yaml.SequenceNode):
            header.item_lines[key] = [_line(text, item.start_mark, first_line) for item in value_node.value]
            header.spans[key] = [
                (offset + item.start_mark.index, offset + item.end_mark.index, item.style)
                if isinstance(item, yaml.ScalarNode)
                else (-1, -1, None)
                for item in value_node.value
            ]
    return header
