"""Finding the transitions a chat mode declares: ``handoffs``, ``agents`` (subagents) and prose.

Prose transitions are sentences such as ``Switch to **API Engineer** chatmode to design ...``
(also "chat mode", "mode", "agent") and ``hand off to **Security Engineer**``, outside fenced
code. The bold text is the target; a bold lead-in of the list item (``**For API Design**:``)
is the label; what follows the target is the reason.
"""

from __future__ import annotations

import re
from typing import Any

from chatmode_registry.core.markdown_lines import Fences
from chatmode_registry.core.model import VIA_HANDOFF, VIA_PROSE, VIA_SUBAGENT, Transition

_TARGET = r"\*\*(?P<text>[^*\n]{1,120}?)\*\*"
_PROSE = re.compile(
    r"\bswitch(?:ing|es)?\s+(?:over\s+)?to\s+(?:the\s+)?"
    + _TARGET
    + r"(?P<kind>\s*(?:chat\s*mode|chatmode|mode|agent)\b)"
    r"|\bhand(?:ing|s)?[\s-]*off\s+to\s+(?:the\s+)?" + _TARGET.replace("text", "text2"),
    re.IGNORECASE,
)
#: A list item's bold lead-in (``- **For API Design**:``), matched at a line's start. Linear:
#: the optional marker carries its own trailing blanks, so no two blank runs compete, and the
#: label class cannot match the ``*`` that ends it.
_LABEL = re.compile(r"[ \t]*(?:(?:[-*+]|\d+[.)])[ \t]*)?\*\*(?P<label>[^*\n]{1,120}?)\*\*[ \t]*:")
_REASON_TRIM = " \t\"'“”‘’.,;:)"


def _clean(text: str) -> str:
    return " ".join(text.split())


#: Where a prose transition can start, in the spellings that occur; ``str.find`` for these
#: is far faster than the regex engine trying every position or than lower-casing the body.
_KEYWORDS = ("switch", "Switch", "SWITCH", "hand", "Hand", "HAND")


def _matches(body: str):
    """Prose transition matches, in order."""
    starts = []
    for keyword in _KEYWORDS:
        position = body.find(keyword)
        while position >= 0:
            if position == 0 or not body[position - 1].isalnum():
                starts.append(position)
            position = body.find(keyword, position + 1)
    end = -1
    for start in sorted(starts):
        if start < end:
            continue
        match = _PROSE.match(body, start)
        if match:
            end = match.end()
            yield match


def prose_transitions(body: str, body_line: int) -> list[Transition]:
    """Transitions written as sentences in ``body`` (which starts on file line ``body_line``).

    Linear in the body: matches come in order, so the line of each is found by scanning only
    from the previous one; the label is matched once per line; a reason runs to the next
    match on the same line or to the line's end, so no part of a line is read twice.
    """
    found: list[Transition] = []
    fences: Fences | None = None
    matches = list(_matches(body))
    counted = 0  # line breaks before ``counted`` are in ``line_index``
    line_index = 0
    line_start, line_end = 0, -1
    label = ""
    for position, match in enumerate(matches):
        fences = fences or Fences(body)
        if fences.contains(match.start()):
            continue
        text = _clean(match.group("text") or match.group("text2") or "")
        if not text:
            continue
        if match.start() > line_end:  # a new line: find its bounds and its label once
            newline = body.rfind("\n", counted, match.start())
            line_start = newline + 1 if newline >= 0 else counted
            line_index += body.count("\n", counted, line_start)
            counted = line_start
            line_end = body.find("\n", match.end())
            line_end = len(body) if line_end < 0 else line_end
            label_match = _LABEL.match(body, line_start, line_end)
            label = _clean(label_match.group("label")) if label_match else ""
        following = matches[position + 1].start() if position + 1 < len(matches) else line_end
        reason = _clean(body[match.end() : min(following, line_end)]).strip(_REASON_TRIM)
        found.append(
            Transition(text=text, via=VIA_PROSE, line=body_line + line_index, label=label, reason=reason)
        )
    return found


def handoff_transitions(header: dict[str, Any], item_lines: dict[str, list[int]]) -> list[Transition]:
    """Transitions declared in the header's ``handoffs`` list (items without ``agent`` skipped).

    ``text`` keeps the agent name exactly as written: VS Code matches it character for character.
    """
    handoffs = header.get("handoffs")
    if not isinstance(handoffs, list):
        return []
    lines = item_lines.get("handoffs", [])
    found: list[Transition] = []
    for index, item in enumerate(handoffs):
        if not isinstance(item, dict) or not isinstance(item.get("agent"), str):
            continue
        text = item["agent"]
        if not text.strip():
            continue
        label = item.get("label")
        prompt = item.get("prompt")
        found.append(
            Transition(
                text=text,
                via=VIA_HANDOFF,
                line=lines[index] if index < len(lines) else None,
                label=_clean(label) if isinstance(label, str) else "",
                reason=_clean(prompt) if isinstance(prompt, str) else "",
            )
        )
    return found


def subagent_transitions(header: dict[str, Any], item_lines: dict[str, list[int]]) -> list[Transition]:
    """One transition per agent name in the header's ``agents`` list, exactly as written.

    ``*`` (any agent) is not an edge to every mode: :attr:`ChatMode.subagents` reports it.
    """
    agents = header.get("agents")
    if not isinstance(agents, list):
        return []
    lines = item_lines.get("agents", [])
    found: list[Transition] = []
    for index, item in enumerate(agents):
        if not isinstance(item, str) or not item.strip() or item == "*":
            continue
        found.append(
            Transition(text=item, via=VIA_SUBAGENT, line=lines[index] if index < len(lines) else None)
        )
    return found
