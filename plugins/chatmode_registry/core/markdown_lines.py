"""Walking the lines of a Markdown body that are prose, not fenced code."""

from __future__ import annotations

import re
from collections.abc import Iterator

_FENCE = re.compile(r"^[ \t\u200b\ufeff]{0,3}(`{3,}|~{3,})")


def prose_lines(body: str) -> Iterator[tuple[int, str]]:
    """Yield ``(index, line)`` for each line of ``body`` outside fenced code blocks.

    ``index`` is 0-based within the body. A fence closes on a line that opens with the same
    character, at least as many times, as CommonMark says; an unclosed fence runs to the end.
    """
    fence: str | None = None
    for index, line in enumerate(body.split("\n")):
        match = _FENCE.match(line)
        if fence is None:
            if match:
                fence = match.group(1)
                continue
            yield index, line
        elif match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
            if not line[match.end() :].strip():
                fence = None
