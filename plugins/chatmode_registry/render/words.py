"""Counted nouns for the text people read (pages, terminal summaries, log lines)."""

from __future__ import annotations


def plural(count: int, singular: str, plural: str | None = None, *, grouped: bool = False) -> str:
    """``1 chat mode``, ``2 chat modes`` (``plural`` when adding an ``s`` is wrong).

    ``grouped`` writes the count with thousands separators (``1,000``).
    """
    number = f"{count:,}" if grouped else str(count)
    return f"{number} {singular if count == 1 else (plural or singular + 's')}"
