"""Telling prose from fenced code in a Markdown body, with whole-text regex scans.

Bodies are long (13 KB is typical, 150 KB happens) and catalogs large, so nothing here walks
the body line by line in Python: fences are found with one regex pass, and callers search the
whole text and then ask whether a match falls inside code.
"""

from __future__ import annotations

import bisect
import re

_FENCE = re.compile(r"^[ \t\u200b\ufeff]{0,3}(`{3,}|~{3,})(.*)$", re.MULTILINE)


class Fences:
    """The character ranges of a body's fenced code blocks (CommonMark rules, simplified:
    a fence closes on a line that opens with the same character at least as many times and has
    nothing after it; an unclosed fence runs to the end)."""

    def __init__(self, body: str) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        if "```" not in body and "~~~" not in body:
            return
        opening: re.Match[str] | None = None
        for match in _FENCE.finditer(body):
            marker = match.group(1)
            if opening is None:
                opening = match
            elif (
                marker[0] == opening.group(1)[0]
                and len(marker) >= len(opening.group(1))
                and not match.group(2).strip()
            ):
                self.starts.append(opening.start())
                self.ends.append(match.end())
                opening = None
        if opening is not None:
            self.starts.append(opening.start())
            self.ends.append(len(body))

    def contains(self, offset: int) -> bool:
        """True when character ``offset`` lies inside a fenced block (fence lines included)."""
        index = bisect.bisect_right(self.starts, offset) - 1
        return index >= 0 and offset < self.ends[index]
