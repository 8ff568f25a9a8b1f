"""Render a :class:`~chatmode_registry.core.diff.CatalogDiff` for people.

- :func:`render_markdown`: a pull request comment (GitHub Flavored Markdown).
- :func:`render_html`: an HTML fragment for the site's ``catalog/changes/`` page.

Every string that comes from a catalog (names, descriptions, tool names, diagnostics, body
lines) is untrusted: in Markdown it is escaped so it can neither inject HTML, nor start a
heading or a list, nor close a code fence, nor notify people with ``@mentions``; in HTML it goes
through ``markupsafe.Markup`` formatting, which escapes every argument.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from chatmode_registry.core.diff import CatalogDiff, ChangedMode

#: Hidden marker at the top of the comment, so a workflow can find and update its own comment.
COMMENT_MARKER = "<!-- chatmodes-diff -->"
#: GitHub refuses comments over 65,536 characters; stay well below.
MAX_COMMENT_CHARS = 60_000

#: Styles for the classes :func:`render_html` uses; the plugin may add them to its stylesheet.
CHANGES_CSS = """\
.chatmodes-changes .chatmodes-diff { overflow-x: auto; line-height: 1.4; }
.chatmodes-changes .chatmodes-diff-added { background: rgba(46, 160, 67, .18); }
.chatmodes-changes .chatmodes-diff-removed { background: rgba(248, 81, 73, .18); }
.chatmodes-changes .chatmodes-diff-hunk { color: #6f42c1; }
.chatmodes-changes .chatmodes-diff-file { font-weight: bold; }
.chatmodes-changes .chatmodes-diff-context { }
.chatmodes-changes .chatmodes-change dt { font-weight: bold; }
.chatmodes-changes .chatmodes-words del { background: rgba(248, 81, 73, .18); margin-right: .15em; }
.chatmodes-changes .chatmodes-words ins { background: rgba(46, 160, 67, .18); }
.chatmodes-changes .chatmodes-severity-error { color: #cf222e; font-weight: bold; }
.chatmodes-changes .chatmodes-severity-warning { color: #9a6700; font-weight: bold; }
"""

#: Characters Python-Markdown and CommonMark both accept behind a backslash.
_BACKSLASH_ESCAPED = re.compile(r"([\\`*_{}\[\]()#+\-.!])")
#: Characters turned into character references instead (HTML, tables, strikethrough).
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;", "~": "&#126;", '"': "&quot;"}
_ENTITY_PATTERN = re.compile("[" + re.escape("".join(_ENTITIES)) + "]")
#: U+2060 WORD JOINER: after an ``@`` it keeps GitHub from turning the text into a mention.
_WORD_JOINER = "\u2060"

_SEVERITY_ORDER = ("error", "warning", "info")
_SEVERITY_ICON = {"error": "❌", "warning": "⚠️", "info": "ℹ️"}


# --------------------------------------------------------------------------------------------
# Markdown


def md_text(value: Any) -> str:
    """Untrusted text as inline Markdown that renders as exactly that text.

    Line breaks become spaces (a newline could start a heading, a list or a fence), Markdown
    punctuation is backslash-escaped, HTML-significant characters become character references
    and ``@`` cannot start a mention.
    """
    text = " ".join(str(value if value is not None else "").split())
    text = _BACKSLASH_ESCAPED.sub(r"\\\1", text)
    text = _ENTITY_PATTERN.sub(lambda match: _ENTITIES[match.group(0)], text)
    return text.replace("@", "@" + _WORD_JOINER)


def md_code(value: Any) -> str:
    """Untrusted text as an inline code span whose delimiters it cannot close."""
    text = " ".join(str(value if value is not None else "").split()) or " "
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    # CommonMark strips one space on each side; pad when the text touches a backtick.
    if text.startswith("`") or text.endswith("`"):
        text = f" {text} "
    return f"{fence}{text}{fence}"


def md_fence(text: str, info: str = "") -> str:
    """``text`` in a fenced code block whose fence is longer than any backtick run inside it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text}\n{fence}"


def _md_value(value: Any) -> str:
    """A field value (string, list or nothing) in a code span, or *none*."""
    if value is None or value == "" or value == []:
        return "*none*"
    if isinstance(value, list):
        return ", ".join(md_code(item) for item in value)
    return md_code(value)


def _md_target(edge: dict) -> str:
    target = edge.get("target")
    return md_code(target) if target else ("built-in" if edge.get("builtin") else "dangling")


def _md_transition(edge: dict) -> str:
    return f"{md_text(edge.get('text'))} → {_md_target(edge)} ({md_text(edge.get('via'))})"


def _md_diagnostic(diagnostic: dict, *, with_slug: bool) -> str:
    severity = str(diagnostic.get("severity") or "")
    icon = _SEVERITY_ICON.get(severity, "")
    parts = [f"{icon} **{md_text(severity)}** {md_code(diagnostic.get('code'))}".strip()]
    if with_slug:
        parts.append(f"in {md_code(diagnostic.get('slug'))}")
    text = " ".join(parts)
    if diagnostic.get("line"):
        text += f", line {int(diagnostic['line'])}"
    return f"- {text}: {md_text(diagnostic.get('message'))}"


def _md_changed(diff: CatalogDiff, mode: ChangedMode, *, with_body: bool, with_details: bool) -> list[str]:
    record = diff.records.get(mode.slug, {})
    lines = [f"#### {md_code(mode.slug)} {md_text(record.get('name') or '')}".rstrip(), ""]
    lines.append("Changed: " + ", ".join(md_code(name) for name in mode.fields))
    lines.append("")
    if not with_details:
        return lines
    items: list[str] = []
    for name in mode.fields:
        detail = mode.details.get(name, {})
        if name == "tools":
            bits = []
            if detail.get("added"):
                bits.append("added " + _md_value(detail["added"]))
            if detail.get("removed"):
                bits.append("removed " + _md_value(detail["removed"]))
            items.append(f"- **tools**: {'; '.join(bits)}")
        elif name == "transitions":
            for edge in detail.get("added", []):
                items.append(f"- **transition added**: {_md_transition(edge)}")
            for edge in detail.get("removed", []):
                items.append(f"- **transition removed**: {_md_transition(edge)}")
            for pair in detail.get("retargeted", []):
                items.append(
                    f"- **transition retargeted**: {_md_transition(pair['old'])} now → "
                    f"{_md_target(pair['new'])}"
                )
        elif name == "diagnostics":
            new, resolved = len(detail.get("new", [])), len(detail.get("resolved", []))
            items.append(f"- **diagnostics**: {new} new, {resolved} resolved")
        elif name == "description":
            items.append(
                f"- **description**: {md_text(detail.get('old')) or '*none*'} → "
                f"{md_text(detail.get('new')) or '*none*'}"
            )
        elif name == "body":
            items.append("- **body** changed" + ("" if detail.get("diff") else " (no diff available)"))
        else:
            items.append(
                f"- **{md_text(name)}**: {_md_value(detail.get('old'))} → {_md_value(detail.get('new'))}"
            )
    lines += [*items, ""]
    body = mode.details.get("body") or {}
    if with_body and body.get("diff"):
        lines.append(md_fence(body["diff"], "diff"))
        if body.get("truncated"):
            lines.append("")
            lines.append("*Diff cut short.*")
        lines.append("")
    return lines


def _summary_line(diff: CatalogDiff) -> str:
    counts = diff.summary()
    parts = [
        f"**{counts['added']}** added",
        f"**{counts['removed']}** removed",
        f"**{counts['changed']}** changed",
        f"**{counts['new_diagnostics']}** new diagnostics",
    ]
    if counts["rejected"]:
        parts.append(f"**{counts['rejected']}** newly rejected")
    return " · ".join(parts)


def _markdown(diff: CatalogDiff, *, with_body: bool, with_details: bool, title: str) -> str:
    lines = [COMMENT_MARKER, f"## {md_text(title)}", ""]
    if diff.empty:
        lines.append("No chat mode was added, removed or changed.")
        return "\n".join(lines) + "\n"
    lines += [_summary_line(diff), ""]

    if diff.new_diagnostics or diff.rejected_added:
        lines += ["### New diagnostics", ""]
        for item in diff.rejected_added:
            lines.append(f"- ❌ **rejected** {md_code(item.get('source'))}: no page is published")
            for diagnostic in item.get("diagnostics") or []:
                lines.append("  " + _md_diagnostic(diagnostic, with_slug=False))
        for diagnostic in diff.new_diagnostics:
            lines.append(_md_diagnostic(diagnostic, with_slug=True))
        lines.append("")

    if diff.added:
        lines += [f"### Added ({len(diff.added)})", ""]
        for slug in diff.added:
            record = diff.records.get(slug, {})
            entry = f"- {md_code(slug)} **{md_text(record.get('name') or slug)}**"
            if record.get("description"):
                entry += f": {md_text(record['description'])}"
            lines.append(entry)
        lines.append("")

    if diff.removed:
        lines += [f"### Removed ({len(diff.removed)})", ""]
        for slug in diff.removed:
            record = diff.records.get(slug, {})
            lines.append(f"- {md_code(slug)} **{md_text(record.get('name') or slug)}**")
        lines.append("")

    if diff.changed:
        lines += [f"### Changed ({len(diff.changed)})", ""]
        for mode in diff.changed:
            lines += _md_changed(diff, mode, with_body=with_body, with_details=with_details)
    return "\n".join(lines).rstrip("\n") + "\n"


def render_markdown(
    diff: CatalogDiff, *, title: str = "Chat mode changes", max_chars: int = MAX_COMMENT_CHARS
) -> str:
    """The diff as a pull request comment.

    Layout: a hidden marker, a ``##`` title, the counts, then ``### New diagnostics`` (first,
    since they need attention), ``### Added``, ``### Removed`` and ``### Changed`` with one
    ``####`` entry per chat mode listing its changed fields and a fenced ``diff`` block of its
    body. When the comment would exceed ``max_chars``, body diffs are left out, then the
    per-field details; a note says so.
    """
    text = _markdown(diff, with_body=True, with_details=True, title=title)
    if len(text) <= max_chars:
        return text
    note = "\n*Body diffs left out to keep this comment within GitHub's size limit.*\n"
    text = _markdown(diff, with_body=False, with_details=True, title=title) + note
    if len(text) <= max_chars:
        return text
    note = "\n*Details left out to keep this comment within GitHub's size limit.*\n"
    text = _markdown(diff, with_body=False, with_details=False, title=title)
    if len(text) + len(note) > max_chars:
        # Cut at a line boundary; no fence or HTML block is open at this level of detail.
        text = text[: max_chars - len(note)].rsplit("\n", 1)[0] + "\n"
    return text + note


# --------------------------------------------------------------------------------------------
# Field by field, as plain text (the changed chat mode's own page)

#: Longest old or new value shown in full on a chat mode page; the changes page has the rest.
MAX_VALUE_CHARS = 300


@dataclass(frozen=True)
class FieldChange:
    """One changed field of a chat mode, as plain text for a template to escape.

    Either ``old`` and ``new`` (the value before and after; ``"none"`` when absent) or ``note``
    (a summary where a value does not fit one line: tools added and removed, transitions,
    diagnostics, the body).
    """

    field: str
    old: str | None = None
    new: str | None = None
    note: str | None = None
    words: tuple[tuple[str, str], ...] = ()
    """For a text (the description): ``old`` → ``new`` word by word (:func:`word_changes`)."""


def _plain(value: Any) -> str:
    if value is None or value == "" or value == []:
        text = "none"
    elif isinstance(value, str):
        text = value
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        text = ", ".join(value)
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def _plain_target(edge: dict) -> str:
    if edge.get("builtin"):
        return f"{edge.get('text') or ''} (built-in)"
    return str(edge.get("target") or "nothing (dangling)")


def field_changes(mode: ChangedMode) -> list[FieldChange]:
    """What changed in ``mode``, field by field, old → new where a value fits one line."""
    changes: list[FieldChange] = []
    for name in mode.fields:
        detail = mode.details.get(name, {})
        if name == "tools":
            bits = []
            if detail.get("added"):
                bits.append("added " + _plain(detail["added"]))
            if detail.get("removed"):
                bits.append("removed " + _plain(detail["removed"]))
            changes.append(FieldChange(name, note="; ".join(bits)))
        elif name == "transitions":
            bits = [f"added {e.get('text') or ''} → {_plain_target(e)}" for e in detail.get("added", [])]
            bits += [f"removed {e.get('text') or ''} → {_plain_target(e)}" for e in detail.get("removed", [])]
            bits += [
                f"{pair['old'].get('text') or ''} now → {_plain_target(pair['new'])} "
                f"(was {_plain_target(pair['old'])})"
                for pair in detail.get("retargeted", [])
            ]
            changes.append(FieldChange(name, note=_plain("; ".join(bits))))
        elif name == "diagnostics":
            count_new, count_resolved = len(detail.get("new", [])), len(detail.get("resolved", []))
            changes.append(
                FieldChange(name, note=f"{count_new} new, {count_resolved} resolved (see Problems below)")
            )
        elif name == "body":
            changes.append(FieldChange(name, note="the instructions changed (line diff on the changes page)"))
        elif name == "sha256":
            old, new = str(detail.get("old") or "")[:12], str(detail.get("new") or "")[:12]
            changes.append(FieldChange(name, old=old or "none", new=new or "none"))
        elif name == "description":
            old, new = _plain(detail.get("old")), _plain(detail.get("new"))
            changes.append(FieldChange(name, old=old, new=new, words=tuple(word_changes(old, new))))
        else:
            changes.append(FieldChange(name, old=_plain(detail.get("old")), new=_plain(detail.get("new"))))
    return changes


# --------------------------------------------------------------------------------------------
# HTML

_DIFF_LINE_CLASSES = (
    ("+++", "chatmodes-diff-file"),
    ("---", "chatmodes-diff-file"),
    ("@@", "chatmodes-diff-hunk"),
    ("+", "chatmodes-diff-added"),
    ("-", "chatmodes-diff-removed"),
)


def _diff_line_class(line: str, index: int) -> str:
    # Only the first two lines are file headers; later "---" lines are removed body lines.
    for prefix, css in _DIFF_LINE_CLASSES:
        if line.startswith(prefix) and (css != "chatmodes-diff-file" or index < 2):
            return css
    return "chatmodes-diff-context"


def _html_diff(text: str) -> Markup:
    spans = [
        Markup('<span class="{}">{}</span>').format(_diff_line_class(line, index), line)
        for index, line in enumerate(text.split("\n"))
    ]
    # Lines are joined by newlines (a <pre> keeps them); no diff line is empty, since each
    # starts with its marker, so the fragment still has no blank line.
    return Markup('<pre class="chatmodes-diff"><code>{}</code></pre>').format(Markup("\n").join(spans))


#: Most pairs of words a word diff may compare (old words times new words, after the common
#: start and end are set aside): past it, the changed middle is shown as one removal and one
#: addition, so the cost stays bounded whatever the values (difflib compares pairs).
MAX_WORD_DIFF_PAIRS = 40_000

#: A word, a run of punctuation or of white space: the units of a word diff (linear: each a
#: possessive run of one class). Punctuation apart, so "plans." → "designs." is one word.
_WORD_OR_SPACE = re.compile(r"\s++|\w++|[^\w\s]++")


def word_changes(old: str, new: str) -> list[tuple[str, str]]:
    """``old`` turned into ``new`` word by word, as ``(kind, text)`` runs: ``"same"``,
    ``"removed"`` or ``"added"``. The common start and end are found in linear time; the
    middle is compared word by word (difflib) only while it has at most
    :data:`MAX_WORD_DIFF_PAIRS` pairs of words, and is one removal and one addition beyond."""
    before, after = _WORD_OR_SPACE.findall(old), _WORD_OR_SPACE.findall(new)
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end = 0
    while end < min(len(before), len(after)) - start and before[-1 - end] == after[-1 - end]:
        end += 1
    middle_before, middle_after = before[start : len(before) - end], after[start : len(after) - end]
    runs: list[tuple[str, str]] = [("same", "".join(before[:start]))]
    if len(middle_before) * len(middle_after) <= MAX_WORD_DIFF_PAIRS:
        matcher = difflib.SequenceMatcher(None, middle_before, middle_after, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                runs.append(("same", "".join(middle_before[i1:i2])))
                continue
            runs.append(("removed", "".join(middle_before[i1:i2])))
            runs.append(("added", "".join(middle_after[j1:j2])))
    else:
        runs += [("removed", "".join(middle_before)), ("added", "".join(middle_after))]
    runs.append(("same", "".join(after[len(after) - end :])))
    return [(kind, text) for kind, text in runs if text]


_WORD_RUN = {"same": Markup("{}"), "removed": Markup("<del>{}</del>"), "added": Markup("<ins>{}</ins>")}


def html_word_diff(old: str, new: str) -> Markup:
    """``old`` → ``new`` as one text whose removed words are struck out (``<del>``) and added
    ones underlined (``<ins>``); a whole value removed or added stays one run."""
    runs = word_changes(old, new)
    if not runs:
        return Markup("<em>none</em>")
    return Markup('<span class="chatmodes-words">{}</span>').format(
        Markup("").join(_WORD_RUN[kind].format(text) for kind, text in runs)
    )


def _html_code_list(values: list) -> Markup:
    return Markup(", ").join(Markup("<code>{}</code>").format(value) for value in values)


def _html_value(value: Any) -> Markup:
    if value is None or value == "" or value == []:
        return Markup("<em>none</em>")
    if isinstance(value, list):
        return _html_code_list(value)
    return Markup("<code>{}</code>").format(value)


def _html_target(edge: dict, link: Callable[[str], str | None] | None) -> Markup:
    target = edge.get("target")
    href = link(target) if target and link else None
    if href:
        return Markup('<a href="{}"><code>{}</code></a>').format(href, target)
    if target:
        return Markup("<code>{}</code>").format(target)
    return Markup("built-in" if edge.get("builtin") else "dangling")


def _html_transition(edge: dict, link: Callable[[str], str | None] | None) -> Markup:
    return Markup("{} → {} ({})").format(
        edge.get("text") or "", _html_target(edge, link), edge.get("via") or ""
    )


def _html_diagnostic(
    diagnostic: dict, link: Callable[[str], str | None] | None, *, with_slug: bool
) -> Markup:
    severity = str(diagnostic.get("severity") or "")
    parts = [
        Markup('<span class="chatmodes-severity-{0}">{0}</span> <code>{1}</code>').format(
            severity, diagnostic.get("code") or ""
        )
    ]
    slug = diagnostic.get("slug")
    if with_slug and slug:
        parts.append(Markup("in {}").format(_html_mode_link(slug, slug, link)))
    where = Markup(" ").join(parts)
    if diagnostic.get("line"):
        where += Markup(", line {}").format(int(diagnostic["line"]))
    return Markup('<li class="chatmodes-diagnostic">{}: {}</li>').format(
        where, diagnostic.get("message") or ""
    )


def _html_mode_link(slug: str, label: str, link: Callable[[str], str | None] | None) -> Markup:
    href = link(slug) if link else None
    if not href:
        return Markup("{}").format(label)
    return Markup('<a href="{}">{}</a>').format(href, label)


def _html_changed(diff: CatalogDiff, mode: ChangedMode, link: Callable[[str], str | None] | None) -> Markup:
    record = diff.records.get(mode.slug, {})
    rows: list[Markup] = []
    for name in mode.fields:
        detail = mode.details.get(name, {})
        if name == "tools":
            bits = []
            if detail.get("added"):
                bits.append(Markup("added {}").format(_html_code_list(detail["added"])))
            if detail.get("removed"):
                bits.append(Markup("removed {}").format(_html_code_list(detail["removed"])))
            value = Markup("; ").join(bits)
        elif name == "transitions":
            items = (
                [
                    Markup("<li>added: {}</li>").format(_html_transition(edge, link))
                    for edge in detail.get("added", [])
                ]
                + [
                    Markup("<li>removed: {}</li>").format(_html_transition(edge, link))
                    for edge in detail.get("removed", [])
                ]
                + [
                    Markup("<li>retargeted: {} now → {}</li>").format(
                        _html_transition(pair["old"], link), _html_target(pair["new"], link)
                    )
                    for pair in detail.get("retargeted", [])
                ]
            )
            value = Markup("<ul>{}</ul>").format(Markup("").join(items))
        elif name == "diagnostics":
            # New diagnostics are listed once, under "New diagnostics" above; only the resolved
            # ones, shown nowhere else, are listed here.
            resolved = [_html_diagnostic(item, link, with_slug=False) for item in detail.get("resolved", [])]
            value = Markup("{} new{}, {} resolved{}").format(
                len(detail.get("new", [])),
                Markup(' (<a href="#new-diagnostics">listed above</a>)') if detail.get("new") else "",
                len(resolved),
                Markup('<ul class="chatmodes-resolved">{}</ul>').format(Markup("").join(resolved))
                if resolved
                else "",
            )
        elif name == "body":
            if detail.get("diff"):
                value = _html_diff(detail["diff"])
                if detail.get("truncated"):
                    value += Markup("<p><em>Diff cut short.</em></p>")
            else:
                value = Markup("changed (no diff available)")
        elif name == "description":
            value = html_word_diff(str(detail.get("old") or ""), str(detail.get("new") or ""))
        else:
            value = Markup("{} → {}").format(_html_value(detail.get("old")), _html_value(detail.get("new")))
        rows.append(Markup("<dt>{}</dt><dd>{}</dd>").format(name, value))
    return Markup(
        '<section class="chatmodes-change" data-slug="{slug}">'
        "<h3>{title} <code>{slug}</code></h3><dl>{rows}</dl></section>"
    ).format(
        slug=mode.slug,
        title=_html_mode_link(mode.slug, record.get("name") or mode.slug, link),
        rows=Markup("").join(rows),
    )


def _only_existing(
    diff: CatalogDiff, link: Callable[[str], str | None] | None
) -> Callable[[str], str | None] | None:
    """``link`` restricted to pages of the new site: a removed chat mode has no page to open."""
    if link is None:
        return None

    def existing(slug: str) -> str | None:
        return link(slug) if slug in diff.new_slugs else None

    return existing


def render_html(diff: CatalogDiff, link: Callable[[str], str | None] | None = None) -> str:
    """The diff as an HTML fragment for the ``catalog/changes/`` page.

    ``link(slug)`` gives the URL of a chat mode's page in the new site (e.g.
    ``lambda slug: f"../{slug}/"`` from ``catalog/changes/``); removed chat modes are not
    linked. The fragment holds no blank line, so it survives being placed in a Markdown page
    as a raw HTML block. Classes: see :data:`CHANGES_CSS`.
    """
    link = _only_existing(diff, link)
    parts: list[Markup] = []
    if diff.empty:
        parts.append(
            Markup('<p class="chatmodes-changes-summary">No chat mode was added, removed or changed.</p>')
        )
    else:
        counts = diff.summary()
        parts.append(
            Markup(
                '<p class="chatmodes-changes-summary"><strong>{}</strong> added · <strong>{}</strong> '
                "removed · <strong>{}</strong> changed · <strong>{}</strong> new diagnostics</p>"
            ).format(counts["added"], counts["removed"], counts["changed"], counts["new_diagnostics"])
        )
    if diff.new_diagnostics or diff.rejected_added:
        items = [
            Markup(
                '<li class="chatmodes-diagnostic"><span class="chatmodes-severity-error">rejected</span> '
                "<code>{}</code>: no page is published</li>"
            ).format(item.get("source") or "")
            for item in diff.rejected_added
        ] + [_html_diagnostic(item, link, with_slug=True) for item in diff.new_diagnostics]
        parts.append(
            Markup(
                '<h2 id="new-diagnostics">New diagnostics</h2><ul class="chatmodes-new-diagnostics">{}</ul>'
            ).format(Markup("").join(items))
        )
    if diff.added:
        items = []
        for slug in diff.added:
            record = diff.records.get(slug, {})
            entry = Markup('<li data-slug="{}">{} <code>{}</code>').format(
                slug, _html_mode_link(slug, record.get("name") or slug, link), slug
            )
            if record.get("description"):
                entry += Markup(": {}").format(record["description"])
            items.append(entry + Markup("</li>"))
        parts.append(
            Markup('<h2 id="added">Added</h2><ul class="chatmodes-added">{}</ul>').format(
                Markup("").join(items)
            )
        )
    if diff.removed:
        items = [
            Markup('<li data-slug="{}">{} <code>{}</code></li>').format(
                slug, diff.records.get(slug, {}).get("name") or slug, slug
            )
            for slug in diff.removed
        ]
        parts.append(
            Markup('<h2 id="removed">Removed</h2><ul class="chatmodes-removed">{}</ul>').format(
                Markup("").join(items)
            )
        )
    if diff.changed:
        parts.append(
            Markup('<h2 id="changed">Changed</h2>{}').format(
                Markup("").join(_html_changed(diff, mode, link) for mode in diff.changed)
            )
        )
    return str(Markup('<div class="chatmodes-changes">{}</div>').format(Markup("").join(parts)))
