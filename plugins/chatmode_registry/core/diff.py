"""Compare two ``catalog.json`` documents: what a build adds, removes and changes.

This module knows the ``catalog.json`` shape of the contract and nothing about MkDocs. It is
used by the ``chatmodes diff`` command and by the plugin when a ``baseline`` is configured
(``changes.json`` and the ``catalog/changes/`` page).

Which fields count
    ``ChangedMode.fields`` names the ``catalog.json`` fields whose *meaning* changed, plus
    ``body`` for the text below the header. Derived fields are left out because they change
    whenever something else does: ``url`` and ``raw_url`` follow the slug and suffix (the suffix
    shows in ``source``), ``bytes`` and ``sha256`` follow any edit, and the ``line`` of a
    transition or diagnostic moves whenever a line is added above it. Tools are compared as a
    set (the order of a tool list means nothing to VS Code), transitions by what they point at
    and say, diagnostics by code, severity and message.

    ``sha256`` is listed only as a last resort: when the file's digest changed but no other
    field (nor the body, where that can be decided) explains it, e.g. an edit of a header key
    the catalog does not carry, such as ``argument-hint``. A changed file is thus never
    silently dropped from the diff.

    Fields this module does not know (``kind``, say) are compared as plain values, so a field
    added to ``catalog.json`` later shows up without a change here; a field whose value changes
    on every build must be marked ``"x-diff": "derived"`` in ``data/catalog.schema.json``, as
    ``history`` is.

Deciding whether the body changed, in order of preference
    1. both records carry ``body_sha256``: compare those;
    2. both raw files can be fetched (and match their record's ``sha256``): compare the bodies;
    3. otherwise, when ``sha256`` differs and no header field does, the body is what changed.
    If none of these decides, ``body`` is not claimed.

The readable body diff needs the raw files; ``diff_catalogs`` gets them through two optional
callables ``old_raw(raw_url)`` / ``new_raw(raw_url)``. :func:`raw_reader` builds one from the site
root :func:`load_catalog_json` returns. Opening sites and fetching files is
:mod:`chatmode_registry.core.site`'s job (redirects, size limits, relative URL checks).
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from chatmode_registry.core.frontmatter import HeaderError, split
from chatmode_registry.core.record import CatalogRecord, chatmode_fields
from chatmode_registry.core.site import SiteError, SiteUnavailable, open_site, site_at

#: Seconds to wait on any one network operation while loading a catalog or a raw file.
HTTP_TIMEOUT = 20
#: Largest raw chat mode file fetched for a body diff.
MAX_RAW_BYTES = 8 * 1024 * 1024
#: Default cap on the lines of one body diff.
MAX_DIFF_LINES = 400

# How each record field is compared comes from the schema's "x-diff" annotations.
#: Record fields compared as plain values, in the order details are presented.
_VALUE_FIELDS = chatmode_fields("value")
#: Record fields never compared: identity, values derived from other fields (see above), and
#: ``history`` (the digests of earlier publications, which grows with every release).
_DERIVED_FIELDS = frozenset(chatmode_fields("derived"))
#: Fields with their own comparison.
_SPECIAL_FIELDS = frozenset(chatmode_fields("special"))

#: A function returning the raw bytes behind a record's ``raw_url``, or ``None``.
RawSource = Callable[[str], "bytes | None"]

#: What :func:`load_catalog_json` raises; its message says which catalog failed and why.
CatalogLoadError = SiteUnavailable


# --------------------------------------------------------------------------------------------
# Loading: core.site opens sites and fetches files; these bind it to the diff's needs.


def load_catalog_json(location: str) -> tuple[CatalogRecord, str]:
    """Load a ``catalog.json`` and say where its raw files live.

    ``location`` is anything :func:`~chatmode_registry.core.site.open_site` opens: a
    ``catalog.json`` path, a built site folder, or an ``http(s)`` URL of a ``catalog.json`` or
    of a site root. Entries need no ``raw_url``/``sha256`` here (a diff compares what there
    is). Returns the document and the site root its ``raw_url`` values are relative to (a
    folder path or a URL ending in ``/``). Raises :class:`CatalogLoadError`.
    """
    site = open_site(str(location), timeout=HTTP_TIMEOUT, require_files=False)
    return site.catalog, site.root


def fetch_raw(catalog_base: str, raw_url: str) -> bytes | None:
    """The bytes of a record's raw file, or ``None`` when they cannot be had.

    ``catalog_base`` is the root :func:`load_catalog_json` returned. ``raw_url`` comes from a
    catalog, which may be untrusted: :meth:`~chatmode_registry.core.site.Site.fetch` refuses
    URLs that could leave the site root, so a hostile catalog cannot make the diff read local
    files or call other servers. Files over :data:`MAX_RAW_BYTES` are not read.
    """
    try:
        return site_at(catalog_base, timeout=HTTP_TIMEOUT).fetch(raw_url, limit=MAX_RAW_BYTES)
    except SiteError:
        return None


def raw_reader(catalog_base: str, fetch: Callable[[str, str], bytes | None] | None = None) -> RawSource:
    """A ``raw_url -> bytes | None`` callable for :func:`diff_catalogs`, bound to a base.

    By default every file is read from one :class:`~chatmode_registry.core.site.Site`, so all
    the files of a side share one fetch budget (a catalog that lists one large file again and
    again gets no body diff past it, instead of reading without end).
    """
    if fetch is not None:
        custom = fetch
        return lambda raw_url: custom(catalog_base, raw_url)
    site = site_at(catalog_base, timeout=HTTP_TIMEOUT)

    def read(raw_url: str) -> bytes | None:
        try:
            return site.fetch(raw_url, limit=MAX_RAW_BYTES)
        except SiteError:
            return None

    return read


# --------------------------------------------------------------------------------------------
# Text helpers


def split_body(text: str) -> str:
    """The text below the header (:func:`~chatmode_registry.core.frontmatter.split`).

    Without a closing ``---`` the whole text is returned (such a file is rejected anyway).
    """
    try:
        return split(text).body
    except HeaderError:
        return text


def _decode(raw: bytes) -> str:
    """Raw file bytes as text: BOM dropped, CRLF made LF, undecodable bytes replaced."""
    return raw.decode("utf-8-sig", errors="replace").replace("\r\n", "\n").replace("\r", "\n")


#: Most lines (old and new together) that are compared line by line. difflib's matching is
#: quadratic in the lines left after the bodies' common start and end, and repetitive text is
#: its worst case (20,000 lines: over a second; 80,000: 18 s): past this many changed lines the
#: diff says how many lines changed instead.
MAX_COMPARED_LINES = 4_000

#: Lines of unchanged context around each change, as ``diff -u`` and ``git diff`` show.
_CONTEXT = 3

_HUNK_START = re.compile(r"^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@")


def unified_body_diff(
    old_body: str, new_body: str, *, slug: str = "", max_lines: int = MAX_DIFF_LINES
) -> tuple[str, bool]:
    """A unified diff of two bodies, capped at ``max_lines`` lines; returns (text, truncated).

    Linear in the bodies (:func:`bounded_unified_diff`); ``truncated`` is also true when the
    changed part was too long to compare and is only summarised.
    """
    lines = bounded_unified_diff(
        old_body.splitlines(),
        new_body.splitlines(),
        fromfile=f"a/{slug}" if slug else "old",
        tofile=f"b/{slug}" if slug else "new",
        lineterm="",
        subject="body",
    )
    # Three lines are only ever the summary: a real hunk has lines after its header.
    truncated = len(lines) > max_lines or len(lines) == 3
    return "\n".join(lines[:max_lines]), truncated


_TOO_MANY = "too many to compare line by line"


def bounded_unified_diff(
    old: list[str], new: list[str], *, fromfile: str, tofile: str, lineterm: str = "\n", subject: str = "file"
) -> list[str]:
    """``difflib.unified_diff``'s lines, at a cost linear in the input.

    Only the part between the common first and last lines is compared, with its context and
    whole-input line numbers; when that part has more than :data:`MAX_COMPARED_LINES` lines
    the diff is one hunk header saying how many lines were replaced by how many (``body
    changed: 39,991 lines replaced by 39,991, too many to compare line by line``). Inputs up
    to the bound get difflib's own output.
    """
    headers = [f"--- {fromfile}{lineterm}", f"+++ {tofile}{lineterm}"]
    offset = 0
    if len(old) + len(new) > MAX_COMPARED_LINES:
        start, end = _common_ends(old, new)
        changed_old, changed_new = len(old) - start - end, len(new) - start - end
        if changed_old + changed_new > MAX_COMPARED_LINES:
            summary = (
                f"@@ -{start + 1},{changed_old} +{start + 1},{changed_new} @@ {subject} changed: "
                f"{changed_old:,} lines replaced by {changed_new:,}, {_TOO_MANY}{lineterm}"
            )
            return [*headers, summary]
        # Only the changed part and its context: what difflib would find there anyway.
        offset = max(0, start - _CONTEXT)
        keep = max(0, end - _CONTEXT)
        old, new = old[offset : len(old) - keep], new[offset : len(new) - keep]
    lines = list(difflib.unified_diff(old, new, lineterm=lineterm, n=_CONTEXT))[2:]
    if offset:
        lines = [_shift_hunk(line, offset) for line in lines]
    return [*headers, *lines] if lines else []


def _common_ends(old: list[str], new: list[str]) -> tuple[int, int]:
    """How many first lines and how many last lines ``old`` and ``new`` share (not overlapping)."""
    shortest = min(len(old), len(new))
    start = 0
    while start < shortest and old[start] == new[start]:
        start += 1
    end = 0
    while end < shortest - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return start, end


def _shift_hunk(line: str, offset: int) -> str:
    """A hunk header of a diff of lines ``offset + 1`` onwards, renumbered for the whole body."""
    match = _HUNK_START.match(line)
    if match is None:
        return line
    old_start, new_start = int(match.group(1)) + offset, int(match.group(3)) + offset
    return (
        f"@@ -{old_start}{match.group(2) or ''} +{new_start}{match.group(4) or ''} @@" + line[match.end() :]
    )


# --------------------------------------------------------------------------------------------
# The diff


@dataclass
class ChangedMode:
    """A chat mode present in both catalogs that differs.

    ``fields`` are the changed ``catalog.json`` field names plus ``body``, sorted. ``details``
    maps each of them to what changed:

    - ``name``, ``description``, ``model``, ``source`` and fields unknown to this module:
      ``{"old": ..., "new": ...}``;
    - ``tools``: ``{"added": [...], "removed": [...]}``;
    - ``transitions``: ``{"added": [transition], "removed": [transition], "retargeted":
      [{"old": transition, "new": transition}]}``; a retargeted transition is written the same
      but resolves differently (e.g. its target was removed and it now dangles);
    - ``diagnostics``: ``{"new": [diagnostic], "resolved": [diagnostic]}``;
    - ``body``: ``{"diff": str | None, "truncated": bool}`` (``diff`` is ``None`` when the raw
      files could not be fetched);
    - ``sha256``: ``{"old": ..., "new": ...}`` (only when nothing else explains the change).
    """

    slug: str
    fields: list[str]
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class CatalogDiff:
    """What changed between an old and a new ``catalog.json``.

    ``added`` and ``removed`` are sorted slugs, ``changed`` is sorted by slug. ``records`` maps
    every slug mentioned to its catalog record (the new one, or the old one for a removed
    mode). ``new_diagnostics`` lists diagnostics present in the new catalog and not in the old
    (every diagnostic of an added mode counts), each with its ``slug``. ``rejected_added`` and
    ``rejected_removed`` are the ``source`` paths that became / stopped being rejected.
    ``new_slugs`` holds every slug of the new catalog (the pages a renderer may link to).
    """

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[ChangedMode] = field(default_factory=list)
    records: dict[str, dict] = field(default_factory=dict)
    new_diagnostics: list[dict] = field(default_factory=list)
    rejected_added: list[dict] = field(default_factory=list)
    rejected_removed: list[str] = field(default_factory=list)
    new_slugs: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        """True when nothing was added, removed, changed or newly rejected."""
        return not (self.added or self.removed or self.changed or self.rejected_added)

    def summary(self) -> dict[str, int]:
        """Counts for a headline."""
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": len(self.changed),
            "new_diagnostics": len(self.new_diagnostics),
            "rejected": len(self.rejected_added),
        }

    def to_dict(self) -> dict[str, Any]:
        """Exactly the ``changes.json`` shape of the contract."""
        return {
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": [{"slug": mode.slug, "fields": list(mode.fields)} for mode in self.changed],
        }

    def details_dict(self) -> dict[str, Any]:
        """A superset of :meth:`to_dict` with what changed inside each field, for the CLI.

        The three keys of ``changes.json`` keep their shape (``changed`` entries gain
        ``name`` and ``details``), so a script written for ``changes.json`` reads it too.
        """

        def brief(slug: str) -> dict[str, Any]:
            record = self.records.get(slug, {})
            return {
                "slug": slug,
                "name": record.get("name"),
                "description": record.get("description"),
                "source": record.get("source"),
            }

        return {
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": [
                {
                    "slug": mode.slug,
                    "fields": list(mode.fields),
                    "name": self.records.get(mode.slug, {}).get("name"),
                    "details": mode.details,
                }
                for mode in self.changed
            ],
            "summary": self.summary(),
            "added_modes": [brief(slug) for slug in self.added],
            "removed_modes": [brief(slug) for slug in self.removed],
            "new_diagnostics": list(self.new_diagnostics),
            "rejected": {"added": list(self.rejected_added), "removed": list(self.rejected_removed)},
        }


def _transition_key(item: dict) -> tuple:
    """What a transition means; its ``line`` moves with unrelated edits, so it is left out."""
    return (
        item.get("target"),
        item.get("text"),
        item.get("via"),
        item.get("label") or "",
        item.get("reason") or "",
        bool(item.get("builtin")),
    )


def _diagnostic_key(item: dict) -> tuple:
    """What a diagnostic means (the brief's "code + message", with severity); not its line."""
    return (item.get("code"), item.get("severity"), item.get("message"))


def _multiset_difference(left: Iterable[dict], right: Iterable[dict], key) -> list[dict]:
    """Items of ``left`` with no counterpart in ``right`` (duplicates counted), in order."""
    remaining = Counter(key(item) for item in right)
    result = []
    for item in left:
        k = key(item)
        if remaining[k]:
            remaining[k] -= 1
        else:
            result.append(item)
    return result


def _pair_retargeted(added: list[dict], removed: list[dict]) -> dict[str, list]:
    """Split added/removed transitions into those really added or removed and those that are
    written the same (text, via, label, reason) but resolve to another target."""

    def written(edge: dict) -> tuple:
        return (edge.get("text"), edge.get("via"), edge.get("label") or "", edge.get("reason") or "")

    unmatched = list(removed)
    still_added, retargeted = [], []
    for edge in added:
        match = next((old for old in unmatched if written(old) == written(edge)), None)
        if match is None:
            still_added.append(edge)
        else:
            unmatched.remove(match)
            retargeted.append({"old": match, "new": edge})
    return {"added": still_added, "removed": unmatched, "retargeted": retargeted}


def _body_of(record: dict, raw_source: RawSource | None) -> str | None:
    """The record's body text from its raw file, or ``None`` if unavailable or stale."""
    if raw_source is None or not record.get("raw_url"):
        return None
    try:
        raw = raw_source(record["raw_url"])
    except Exception:  # a fetcher failing must not break the whole diff
        return None
    if raw is None:
        return None
    expected = record.get("sha256")
    # A raw file that does not match its record belongs to another build; diffing it would lie.
    if isinstance(expected, str) and hashlib.sha256(raw).hexdigest() != expected.lower():
        return None
    return split_body(_decode(raw))


def _compare_mode(
    slug: str,
    old: dict,
    new: dict,
    old_raw: RawSource | None,
    new_raw: RawSource | None,
    max_diff_lines: int,
) -> ChangedMode | None:
    details: dict[str, Any] = {}

    keys = [key for key in _VALUE_FIELDS if key in old or key in new]
    extra = sorted((set(old) | set(new)) - _DERIVED_FIELDS - _SPECIAL_FIELDS - set(_VALUE_FIELDS))
    # A field only one side has is a newer catalog format, not a change of the chat mode.
    extra = [key for key in extra if key in old and key in new]
    for key in keys + extra:
        if old.get(key) != new.get(key):
            details[key] = {"old": old.get(key), "new": new.get(key)}

    old_tools, new_tools = old.get("tools") or [], new.get("tools") or []
    tools_added = [tool for tool in new_tools if tool not in set(old_tools)]
    tools_removed = [tool for tool in old_tools if tool not in set(new_tools)]
    if tools_added or tools_removed:
        details["tools"] = {"added": tools_added, "removed": tools_removed}

    old_edges, new_edges = old.get("transitions") or [], new.get("transitions") or []
    edges_added = _multiset_difference(new_edges, old_edges, _transition_key)
    edges_removed = _multiset_difference(old_edges, new_edges, _transition_key)
    if edges_added or edges_removed:
        details["transitions"] = _pair_retargeted(edges_added, edges_removed)

    old_diags, new_diags = old.get("diagnostics") or [], new.get("diagnostics") or []
    diags_new = _multiset_difference(new_diags, old_diags, _diagnostic_key)
    diags_resolved = _multiset_difference(old_diags, new_diags, _diagnostic_key)
    if diags_new or diags_resolved:
        details["diagnostics"] = {"new": diags_new, "resolved": diags_resolved}

    file_changed = old.get("sha256") != new.get("sha256")
    body_changed: bool | None = None  # None: cannot tell
    old_body = new_body = None
    if old.get("body_sha256") and new.get("body_sha256"):
        body_changed = old["body_sha256"] != new["body_sha256"]
    elif not file_changed and old.get("sha256"):
        body_changed = False
    if body_changed is not False:
        old_body, new_body = _body_of(old, old_raw), _body_of(new, new_raw)
        if body_changed is None and old_body is not None and new_body is not None:
            body_changed = old_body != new_body
    if body_changed is None and file_changed:
        # The fallback of the module docstring: a new digest that no header field explains.
        # Handoffs live in the header; prose transitions and diagnostics can come from either.
        # (A retargeted transition is not evidence either way: it follows other files.)
        header_explains = bool(set(details) - {"diagnostics", "transitions"}) or any(
            edge.get("via") == "handoff"
            for side in ("added", "removed")
            for edge in details.get("transitions", {}).get(side, [])
        )
        if not header_explains:
            body_changed = True

    if body_changed:
        if old_body is not None and new_body is not None:
            text, truncated = unified_body_diff(old_body, new_body, slug=slug, max_lines=max_diff_lines)
            details["body"] = {"diff": text, "truncated": truncated}
        else:
            details["body"] = {"diff": None, "truncated": False}

    if file_changed and not details:
        details["sha256"] = {"old": old.get("sha256"), "new": new.get("sha256")}

    if not details:
        return None
    return ChangedMode(slug=slug, fields=sorted(details), details=details)


def diff_catalogs(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    *,
    old_raw: RawSource | None = None,
    new_raw: RawSource | None = None,
    max_diff_lines: int = MAX_DIFF_LINES,
) -> CatalogDiff:
    """Compare two ``catalog.json`` documents (already loaded) chat mode by chat mode.

    ``old_raw`` / ``new_raw`` return the raw bytes behind a record's ``raw_url`` (see
    :func:`raw_reader`); without them no readable body diff is produced and whether the body
    changed is decided from the digests alone. Chat modes are matched by ``slug``.
    """
    old_by_slug = {record["slug"]: record for record in old.get("chatmodes", [])}
    new_by_slug = {record["slug"]: record for record in new.get("chatmodes", [])}

    result = CatalogDiff(new_slugs=frozenset(new_by_slug))
    result.added = sorted(set(new_by_slug) - set(old_by_slug))
    result.removed = sorted(set(old_by_slug) - set(new_by_slug))
    for slug in result.added:
        result.records[slug] = new_by_slug[slug]
        for diagnostic in new_by_slug[slug].get("diagnostics") or []:
            result.new_diagnostics.append({"slug": slug, **diagnostic})
    for slug in result.removed:
        result.records[slug] = old_by_slug[slug]

    for slug in sorted(set(old_by_slug) & set(new_by_slug)):
        change = _compare_mode(slug, old_by_slug[slug], new_by_slug[slug], old_raw, new_raw, max_diff_lines)
        if change is None:
            continue
        result.changed.append(change)
        result.records[slug] = new_by_slug[slug]
        for diagnostic in change.details.get("diagnostics", {}).get("new", []):
            result.new_diagnostics.append({"slug": slug, **diagnostic})

    old_rejected = {item.get("source") for item in old.get("rejected") or []}
    new_rejected = {item.get("source") for item in new.get("rejected") or []}
    result.rejected_added = sorted(
        (item for item in new.get("rejected") or [] if item.get("source") not in old_rejected),
        key=lambda item: str(item.get("source")),
    )
    result.rejected_removed = sorted(str(s) for s in old_rejected - new_rejected)

    severity_order: dict[Any, int] = {"error": 0, "warning": 1, "info": 2}
    result.new_diagnostics.sort(
        key=lambda d: (severity_order.get(d.get("severity"), 3), d["slug"], d.get("line") or 0)
    )
    return result
