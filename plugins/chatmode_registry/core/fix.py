"""Repairing the fixable rules in place: mojibake (CM202), legacy tool names (CM106), a
comma-separated ``tools`` string (CM110), YAML 1.1 booleans (CM113), a quoted ``"true"`` or
``'false'`` in a boolean field (CM119) and hidden characters
(CM203, also where the header writes them as YAML escapes; control characters are removed,
and a carriage return without a line feed becomes the file's line ending).

Edits are made on the file's own lines, so everything else stays byte for byte: the BOM,
line endings (CRLF, LF, a missing final newline), quotes, comments and list style. The YAML
is never dumped again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from chatmode_registry.core import hidden, vscode
from chatmode_registry.core.frontmatter import HeaderError, parse_header, split
from chatmode_registry.core.rules import is_boolean_field, loose_boolean_value, repair_line
from chatmode_registry.core.vscode import split_tools

_BOM = "\ufeff"
_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")


@dataclass
class FixResult:
    """What fixing one file's content did: the new bytes and a list of what changed."""

    content: bytes
    changes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when at least one repair was made."""
        return bool(self.changes)


def _lines(text: str) -> tuple[list[str], list[str]]:
    """Split into line contents and their line endings ('' for a last line without one)."""
    parts = _LINE_BREAK.split(text)
    contents = parts[0::2]
    endings = [*parts[1::2], ""]
    return contents, endings


def fix_bytes(raw: bytes, *, claude: bool = False) -> FixResult:
    """Repair the fixable problems of one chat mode file's bytes.

    Bytes that are not UTF-8 are returned unchanged (nothing safe can be done with them).
    ``claude``: the file is in Claude Code's agent format (``.claude/agents``), whose ``tools``
    are a comma-separated string of Claude's tool names: its tools are left as they are.
    """
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return FixResult(raw)
    bom = _BOM if decoded.startswith(_BOM) else ""
    text = decoded[len(bom) :]
    contents, endings = _lines(text)
    result = FixResult(raw)
    header_end = _header_line_count(text)
    _rewrite_header_values(text, contents, result, tools=not claude)
    # The renames read the header as rewritten: a tools string just turned into a list gets
    # its legacy names renamed in the same run, so one run leaves nothing to fix.
    rewritten = "".join(content + ending for content, ending in zip(contents, endings))
    extra_lines, dropped = ({}, set()) if claude else _rename_tools(rewritten, contents, result)
    for index, line in enumerate(contents):
        repaired = repair_line(line)
        if repaired != line:
            contents[index] = repaired
            result.changes.append(f"line {index + 1}: repaired mojibake")
        cleaned = _remove_hidden(contents[index], in_header=index < header_end)
        if cleaned != contents[index]:
            contents[index] = cleaned
            result.changes.append(f"line {index + 1}: removed hidden characters")
    line_break = next((ending for ending in endings if ending and ending != "\r"), "\n")
    for index, ending in enumerate(endings):
        # CM203: a carriage return without a line feed. VS Code and the page already break the
        # line there; the file's own line ending makes terminals and diffs agree.
        if ending == "\r":
            endings[index] = line_break
            result.changes.append(f"line {index + 1}: carriage return without a line feed made a line break")
    if not result.changes:
        return result
    pieces = []
    for index, (content, ending) in enumerate(zip(contents, endings)):
        if index in dropped:
            continue
        pieces.append(content + ending)
        for added in extra_lines.get(index, []):
            pieces.append(added + (ending or _first_ending(endings)))
    result.content = (bom + "".join(pieces)).encode("utf-8")
    return result


def _first_ending(endings: list[str]) -> str:
    return next((ending for ending in endings if ending), "\n")


def _rename_tools(text: str, contents: list[str], result: FixResult) -> tuple[dict[int, list[str]], set[int]]:
    """Rename legacy tools in ``contents`` (edited in place).

    Returns the lines to insert after a line index (block lists where one legacy name becomes
    several) and the indexes of lines to drop (block items whose replacements are all listed
    already)."""
    normalized = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        parts = split(normalized)
        if parts.header is None:
            return {}, set()
        header = parse_header(parts.header, 2, parts.header_offset)
    except HeaderError:
        return {}, set()
    tools = header.data.get("tools")
    spans = header.spans.get("tools", [])
    if not isinstance(tools, list) or len(spans) != len(tools):
        return {}, set()
    present = {tool for tool in tools if isinstance(tool, str) and not vscode.legacy_tool_replacements(tool)}
    edits: list[tuple[int, int, int, list[str], str | None]] = []
    for tool, (start, end, style) in zip(tools, spans):
        if not isinstance(tool, str) or start < 0:
            continue
        replacements = vscode.legacy_tool_replacements(tool)
        if not replacements:
            continue
        new = [name for name in replacements if name not in present]
        present.update(new)
        line = normalized.count("\n", 0, start)
        if normalized.count("\n", start, end):
            continue
        column = start - (normalized.rfind("\n", 0, start) + 1)
        edits.append((line, column, column + (end - start), new, style))
        result.changes.append(
            f"line {line + 1}: tool '{tool}' -> {', '.join(new) if new else 'removed (already listed)'}"
        )
    inserted: dict[int, list[str]] = {}
    removed: set[int] = set()
    for line, start, end, new, style in sorted(edits, key=lambda edit: (edit[0], -edit[1])):
        content = contents[line]
        quote = style if style in ("'", '"') else ""
        names = [f"{quote}{name}{quote}" for name in new]
        block = re.fullmatch(r"\s*-\s*", content[:start]) is not None
        if block:
            if not names:
                removed.add(line)
                continue
            contents[line] = content[:start] + names[0] + content[end:]
            inserted[line] = [content[:start] + name for name in names[1:]]
        elif names:
            contents[line] = content[:start] + ", ".join(names) + content[end:]
        else:
            after = re.match(r"\s*,\s*", content[end:])
            before = re.search(r",\s*$", content[:start])
            if after:
                contents[line] = content[:start] + content[end + after.end() :]
            elif before:
                contents[line] = content[: before.start()] + content[end:]
            else:
                contents[line] = content[:start] + content[end:]
    return inserted, removed


_TOOLS_LINE = re.compile(r"^(?P<lead>tools[ \t]*:[ \t]*)(?P<value>[^#\n]*?)(?P<tail>[ \t]*(?:#.*)?)$")


def _yaml_quote(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _rewrite_header_values(text: str, contents: list[str], result: FixResult, *, tools: bool = True) -> None:
    """CM110, CM113 and CM119, edited in ``contents``: a one-line ``tools: a, b`` becomes a flow
    list (unless not ``tools``); ``yes``/``off``... and a quoted ``"true"``/``'False'`` in a
    boolean field become ``true``/``false``.
    Runs before the tool renames, which then see the list."""
    normalized = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        parts = split(normalized)
        if parts.header is None:
            return
        header = parse_header(parts.header, 2, parts.header_offset)
    except HeaderError:
        return
    # CM113 (a plain yes/Off...) and CM119 (a quoted "true"/'FALSE'): the scalar, quotes
    # included, becomes the bare boolean; the rest of the line stays as it is.
    booleans = [(spelling, False) for spelling in header.loose_booleans]
    booleans += [(spelling, True) for spelling in header.quoted_booleans]
    # Right to left, so that an edit does not move the columns of the ones before it on its line
    # (a flow mapping can hold send and showContinueOn on one line).
    booleans.sort(key=lambda item: -item[0][2])
    reported: list[tuple[int, str]] = []
    for (key_path, line, start, end, value), quoted in booleans:
        keys = [key for key in key_path if key != "[]"]
        index = line - 1
        if not is_boolean_field(key_path) or normalized.count("\n", start, end):
            continue
        column = start - (normalized.rfind("\n", 0, start) + 1)
        content = contents[index]
        written = content[column : column + (end - start)]
        if (written[1:-1] if quoted else written) != value:
            continue
        new = value.strip().lower() if quoted else loose_boolean_value(value)
        contents[index] = content[:column] + new + content[column + (end - start) :]
        reported.append((start, f"line {line}: '{'.'.join(keys)}: {written}' -> {new}"))
    result.changes += [change for _start, change in sorted(reported)]
    listed = header.data.get("tools")
    tools_line = header.lines.get("tools")
    if tools and isinstance(listed, str) and tools_line is not None:
        match = _TOOLS_LINE.match(contents[tools_line - 1])
        if match and match.group("value") and _same_scalar(match.group("value"), listed):
            names = split_tools(listed)
            contents[tools_line - 1] = (
                match.group("lead")
                + "["
                + ", ".join(_yaml_quote(n) for n in names)
                + "]"
                + match.group("tail")
            )
            result.changes.append(f"line {tools_line}: tools string -> list of {len(names)}")


def _same_scalar(written: str, value: str) -> bool:
    """True when ``written`` (the rest of the line) is the whole YAML scalar ``value``: the
    value does not continue on the next lines."""
    try:
        return yaml.safe_load("x: " + written) == {"x": value}
    except yaml.YAMLError:
        return False


def _header_line_count(text: str) -> int:
    """How many lines (from the top) the header and its ``---`` lines take; 0 without one."""
    normalized = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        parts = split(normalized)
    except HeaderError:
        return 0
    return 0 if parts.header is None else parts.body_line - 1


_HEX = frozenset("0123456789abcdefABCDEF")


def _drop_hidden_escapes(line: str) -> str:
    """The line without YAML escapes (``\\u200b``, ``\\U000E0041``) of hidden characters.

    One pass: each backslash run is read once; an escape is one whose backslash is not itself
    escaped (an odd run) followed by ``x`` and 2, ``u`` and 4 or ``U`` and 8 hex digits
    (``\\x1b``: an ESC written as an escape is a hidden control character too).
    """
    pieces: list[str] = []
    last = 0
    position = line.find("\\")
    while position >= 0:
        run_end = position
        while run_end < len(line) and line[run_end] == "\\":
            run_end += 1
        width = {"x": 2, "u": 4, "U": 8}.get(line[run_end : run_end + 1], 0)
        digits = line[run_end + 1 : run_end + 1 + width]
        if (run_end - position) % 2 and width and len(digits) == width and set(digits) <= _HEX:
            code = int(digits, 16)
            if code <= 0x10FFFF and hidden.HIDDEN.fullmatch(chr(code)):
                pieces.append(line[last : run_end - 1])
                last = run_end + 1 + width
        position = line.find("\\", max(run_end, last))
    pieces.append(line[last:])
    return "".join(pieces)


def _remove_hidden(line: str, *, in_header: bool) -> str:
    """CM203: the line without hidden characters (emoji kept), and, in the header, without
    the YAML escapes that write them."""
    line = hidden.remove(line)
    if in_header and "\\" in line:
        line = _drop_hidden_escapes(line)
    return line
