"""Diagnostics for people and machines: text (with colour on a terminal), JSON, GitHub annotations."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from chatmode_registry.core.model import Diagnostic, Severity, count_severities
from chatmode_registry.render.words import plural

_COLOURS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_RESET = "\033[0m"


def terminal_safe(text: str, *, keep_line_breaks: bool = False) -> str:
    """``text`` for a terminal, every unprintable character written out as an escape.

    The one function every untrusted string passes through before it reaches a terminal (the
    build log, ``validate`` and every command that prints a site's names, descriptions, tools,
    bodies or file names). A line break in them would start a line of their own (a forged
    ``::error`` workflow command in CI), an ESC or C1 sequence would drive the terminal (hide
    text, clear the screen, set the title, write the clipboard with OSC 52), BEL would ring
    it, a carriage return would overwrite what was shown, a bidi override would reorder it;
    ordinary text (accents, CJK, emoji) is kept. ``keep_line_breaks`` keeps ``\n`` and tabs,
    for text shown as several lines (a body); a carriage return is still escaped.
    """
    if text.isprintable():
        return text
    kept = "\n\t" if keep_line_breaks else ""
    return "".join(
        char if char.isprintable() or char in kept else char.encode("unicode_escape").decode("ascii")
        for char in text
    )


def terminal_safe_json(data: Any) -> str:
    """``data`` as indented JSON that is exactly the data and still safe on a terminal:
    non-ASCII text stays readable, but every character :func:`terminal_safe` would escape
    (C0/C1 controls, bidi overrides) is written as a JSON ``\\u`` escape."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() or char == "\n" else json.dumps(char)[1:-1] for char in text)


def summary(files: int, diagnostics: Sequence[Diagnostic]) -> str:
    """One line: how many files, errors, warnings and infos."""
    found = count_severities(diagnostics)
    return (
        f"{plural(files, 'file')} checked: {plural(found['error'], 'error')}, "
        f"{plural(found['warning'], 'warning')}, {found['info']} info"
    )


def format_text(diagnostics: Sequence[Diagnostic], files: int, *, colour: bool = False) -> str:
    """``path:line: CODE severity: message`` lines and a summary line."""
    lines = []
    for diagnostic in diagnostics:
        path = terminal_safe(diagnostic.path)
        where = f"{path}:{diagnostic.line}" if diagnostic.line else path
        severity = diagnostic.severity.value
        if colour:
            severity = f"{_COLOURS[diagnostic.severity]}{severity}{_RESET}"
        lines.append(f"{where}: {diagnostic.code} {severity}: {terminal_safe(diagnostic.message)}")
    lines.append(summary(files, diagnostics))
    return "\n".join(lines) + "\n"


def to_json(diagnostics: Sequence[Diagnostic], files: int) -> dict[str, Any]:
    """The contract's JSON report: ``files``, ``errors``, ``warnings``, ``diagnostics``."""
    found = count_severities(diagnostics)
    return {
        "files": files,
        "errors": found["error"],
        "warnings": found["warning"],
        "infos": found["info"],
        "diagnostics": [diagnostic.to_dict() for diagnostic in diagnostics],
    }


def format_json(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """:func:`to_json` serialised (:func:`terminal_safe_json`)."""
    return terminal_safe_json(to_json(diagnostics, files)) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """GitHub Actions workflow commands: ``::error file=...,line=...::message`` (info as notice)."""
    lines = []
    for diagnostic in diagnostics:
        command = {"error": "error", "warning": "warning", "info": "notice"}[diagnostic.severity.value]
        properties = f"file={terminal_safe(_escape_property(diagnostic.path))}"
        if diagnostic.line:
            properties += f",line={diagnostic.line}"
        properties += f",title={_escape_property(diagnostic.code)}"
        lines.append(
            f"::{command} {properties}::{terminal_safe(_escape_data(diagnostic.code + ' ' + diagnostic.message))}"
        )
    lines.append(summary(files, diagnostics))
    return "\n".join(lines) + "\n"
