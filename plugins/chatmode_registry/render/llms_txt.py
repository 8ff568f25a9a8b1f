"""``llms.txt`` and ``llms-full.txt`` at the site root, for language models and AI clients.

``llms.txt`` follows the llms.txt proposal (https://llmstxt.org/): a ``#`` title, a ``>``
summary, then ``##`` sections of ``- [name](url): notes`` lines; here one line per chat mode,
linking its raw Markdown file, with its description. ``llms-full.txt`` holds every chat
mode's raw text, each under its own heading. Names and descriptions come from chat modes, so
they are put on one line, with Markdown link brackets and control characters neutralised.
"""

from __future__ import annotations

import re
from typing import Any, BinaryIO
from urllib.parse import urljoin

from chatmode_registry.core.marketplace import MarketplaceRef
from chatmode_registry.core.record import ChatModeRecord
from chatmode_registry.render.words import plural

#: Where the two files are, from the site root.
LLMS_URI = "llms.txt"
LLMS_FULL_URI = "llms-full.txt"

#: Default largest ``llms-full.txt``; above it the full text is left out (the build says so).
DEFAULT_FULL_MAX_BYTES = 4 * 1024 * 1024

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: Any) -> str:
    """``text`` as one line: whitespace runs collapsed, control characters dropped."""
    return " ".join(_CONTROL.sub(" ", str(text or "")).split())


def _link_text(text: str) -> str:
    return one_line(text).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def absolute(url: str, site_url: str | None) -> str:
    """``url`` (relative to the site root) made absolute when the site's URL is known."""
    return urljoin(site_url, url) if site_url else url


def llms_txt(
    entries: list[ChatModeRecord],
    *,
    site_name: str,
    site_url: str | None,
    with_full: bool,
    summary: str | None = None,
    marketplace: MarketplaceRef | None = None,
) -> str:
    """The ``llms.txt`` of a catalog; ``entries`` are ``catalog.json``'s chat mode records.
    With a ``marketplace``, a paragraph says how to install a mode with Copilot CLI."""
    lines = [f"# {one_line(site_name) or 'Chat mode catalog'}", ""]
    count = len(entries)
    lines.append(
        "> "
        + (one_line(summary) or f"A catalog of {plural(count, 'VS Code Copilot chat mode')} / custom agents.")
    )
    lines.append("")
    lines.append(
        "Each link below is the raw chat mode file (Markdown with a YAML header). "
        f"The machine-readable catalog is [catalog.json]({absolute('catalog.json', site_url)})"
        + (
            f"; every file's full text is in [llms-full.txt]({absolute(LLMS_FULL_URI, site_url)})."
            if with_full
            else "."
        )
    )
    lines.append("")
    if marketplace is not None:
        # Prose before the first section, where the proposal allows any detail.
        add = marketplace.add_command()
        install = _code(marketplace.install_command("SLUG"))
        lines.append(
            "With GitHub Copilot CLI, "
            + (f"add this registry's plugin marketplace once ({_code(add)}), then " if add else "")
            + f"install a chat mode as a plugin: {install}, SLUG being its file name without the suffix."
        )
        lines.append("")
    lines.append("## Chat modes")
    lines.append("")
    for entry in entries:
        name = _link_text(entry.get("name") or entry["slug"])
        description = one_line(entry.get("description"))
        line = f"- [{name}]({absolute(entry['raw_url'], site_url)})"
        lines.append(line + (f": {description}" if description else ""))
    return "\n".join(lines) + "\n"


def _code(text: str) -> str:
    """``text`` as a Markdown code span, fenced by more backticks than it holds in a row."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{one_line(text)}{padding}{fence}"


def write_llms_full_txt(
    stream: BinaryIO,
    entries: list[ChatModeRecord],
    raw: dict[str, bytes],
    *,
    site_name: str,
    site_url: str | None,
) -> None:
    """Write every chat mode's raw text under a heading with its name, slug and source link,
    as UTF-8, one chat mode at a time (the whole file would be as large as the catalog)."""
    stream.write(f"# {one_line(site_name) or 'Chat mode catalog'}: every chat mode in full\n".encode())
    for entry in entries:
        text = raw[entry["slug"]].decode("utf-8", "replace").removeprefix("\ufeff")
        stream.write(
            (
                f"\n## {one_line(entry.get('name') or entry['slug'])} ({entry['slug']})\n\n"
                f"Source: {absolute(entry['raw_url'], site_url)}\n\n"
                + text
                + ("" if text.endswith("\n") else "\n")
            ).encode("utf-8", "replace")
        )


def full_size(raw: dict[str, bytes]) -> int:
    """Bytes of chat mode text ``llms-full.txt`` would hold (its headings aside)."""
    return sum(len(content) for content in raw.values())
