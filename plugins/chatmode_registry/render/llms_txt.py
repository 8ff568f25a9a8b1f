"""``llms.txt`` and ``llms-full.txt`` at the site root, for language models and AI clients.

``llms.txt`` follows the llms.txt proposal (https://llmstxt.org/): a ``#`` title, a ``>``
summary, then ``##`` sections of ``- [name](url): notes`` lines; here one line per chat mode,
linking its raw Markdown file, with its description. ``llms-full.txt`` holds every chat
mode's raw text, each under its own heading.

Both are read by models and AI clients, which follow their links and trust their structure,
and everything in them but the URLs comes from chat modes. So every field is put on one line
with its link syntax escaped (:func:`markdown_text`: no brackets, parentheses, angle brackets,
backticks, character references, bare ``scheme://`` / ``www.`` addresses or e-mail addresses that
GitHub-flavoured Markdown would make a link), and each file's
text in ``llms-full.txt`` is a fenced code block whose fence is longer than any run of
backticks in that text (:func:`fence_for`), so no body can close its block, forge a section
heading in the generator's own format or start another. The file says so at its top. A fence
was chosen over a random boundary because every Markdown reader already knows where a fenced
block ends, and it is the same for the same text (builds stay reproducible).
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

#: How ``llms-full.txt`` delimits the files, said at its top for whoever reads it.
FULL_TXT_LAYOUT = (
    "Each chat mode below is a `## Name (slug)` heading, a `Source:` line with the address of "
    "its raw file, then the file's exact text in a fenced code block. Each block's fence is a "
    "run of backticks longer than any run of backticks inside that file, so the file's text "
    "ends only at its closing fence: a heading, a `Source:` line or a fence inside a file is "
    "part of that file, never a section of this one.\n"
)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: Any) -> str:
    """``text`` as one line: whitespace runs collapsed, control characters dropped."""
    return " ".join(_CONTROL.sub(" ", str(text or "")).split())


#: Characters that make Markdown links, images, autolinks, raw HTML and character references
#: (``!`` only matters before ``[``, which is escaped; ``&#64;`` would be an ``@`` to the
#: autolinker), and backticks, as a code span from a name into its description would swallow
#: the link between them; the backslash first, so that it escapes only itself.
_LINK_SYNTAX = re.compile(r"[\\\[\]()<>&`]")
#: What GitHub-flavoured Markdown links without any syntax, whatever comes before it (an
#: ``_`` does not stop it): ``scheme://...`` and ``www.``, broken by escaping the ``:`` or ``.``.
_BARE_ADDRESS = re.compile(r"(?i):(?=//)|(?<=www)\.")
#: cmark-gfm links an e-mail address (``a@b.example``, ``mailto:...``, ``xmpp:...``) after
#: parsing, on text whose backslash escapes and character references are already resolved,
#: so no escape of the ``@`` stops it. A zero-width space after every ``@``, written as a
#: character reference (ASCII in the file, nothing on the page), does: an address's domain
#: must start with a letter or digit. It also keeps GitHub from reading ``@name`` as a mention.
_AT = "@&#8203;"


def markdown_text(text: Any) -> str:
    """``text`` on one line (:func:`one_line`) with every piece of link syntax escaped: it
    reads the same, but a Markdown reader finds no link, image, autolink, e-mail address or
    HTML in it."""
    escaped = _LINK_SYNTAX.sub(lambda match: "\\" + match.group(), one_line(text))
    return _BARE_ADDRESS.sub(lambda match: "\\" + match.group(), escaped).replace("@", _AT)


_BACKTICKS = re.compile(r"`+")


def fence_for(text: str) -> str:
    """A backtick fence longer than the longest run of backticks in ``text`` (at least
    three): a fenced block opened with it ends only at the closing fence written after it."""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    return "`" * max(3, longest + 1)


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
    lines = [f"# {markdown_text(site_name) or 'Chat mode catalog'}", ""]
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
        name = markdown_text(entry.get("name") or entry["slug"])
        description = markdown_text(entry.get("description"))
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
    as UTF-8, one chat mode at a time (the whole file would be as large as the catalog).

    Each text is a fenced code block (:func:`fence_for`): whatever it holds, a reader finds
    exactly one section per chat mode, in catalog order.
    """
    stream.write(f"# {markdown_text(site_name) or 'Chat mode catalog'}: every chat mode in full\n\n".encode())
    stream.write(FULL_TXT_LAYOUT.encode())
    for entry in entries:
        text = raw[entry["slug"]].decode("utf-8", "replace").removeprefix("\ufeff")
        fence = fence_for(text)
        stream.write(
            (
                f"\n## {markdown_text(entry.get('name') or entry['slug'])} ({entry['slug']})\n\n"
                f"Source: {absolute(entry['raw_url'], site_url)}\n\n"
                f"{fence}markdown\n" + text + ("" if text.endswith("\n") else "\n") + f"{fence}\n"
            ).encode("utf-8", "replace")
        )


def full_size(raw: dict[str, bytes]) -> int:
    """Bytes of chat mode text ``llms-full.txt`` would hold (its headings aside)."""
    return sum(len(content) for content in raw.values())
