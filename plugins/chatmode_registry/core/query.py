"""Finding chat modes in a published catalog: search, filter and describe one mode.

Shared by the ``search``, ``list`` and ``show`` commands and the MCP server. Everything works
on a :class:`~chatmode_registry.core.site.Site`; bodies come from the raw files the catalog
lists, fetched with the site's limits (per file and per command) and used only when their
sha256 matches the catalog; a search keeps only how often each term occurs in each body.
Nothing here prints.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

# The diff's helpers: one home for turning a raw file into text and cutting off its header.
from chatmode_registry.core.diff import _decode as text_of
from chatmode_registry.core.diff import split_body
from chatmode_registry.core.install import integrity_problem
from chatmode_registry.core.marketplace import MarketplaceRef
from chatmode_registry.core.model import ProgressCallback
from chatmode_registry.core.record import ChatModeRecord
from chatmode_registry.core.site import FetchLimitError, Site, SiteError, check_relative_url

#: How much a query term found in each field is worth; the name counts most.
FIELD_WEIGHTS = {"name": 8, "slug": 6, "description": 4, "tools": 3, "body": 1}

#: Body occurrences counted per term (a long body that repeats a word is not better for it).
MAX_BODY_HITS = 5

#: Raw files fetched at once when bodies are needed.
FETCH_WORKERS = 8

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def terms(text: str) -> list[str]:
    """The lower-case words of ``text`` (letters and digits), each once, in order."""
    return list(dict.fromkeys(word.casefold() for word in _WORD.findall(text)))


def models(entry: ChatModeRecord) -> list[str]:
    """The entry's ``model`` as a list (it is a string, a list or absent)."""
    value = entry.get("model")
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def kind(entry: ChatModeRecord) -> str:
    """``agent`` or ``chatmode``: the catalog's ``kind``, else read from the raw file's suffix."""
    value = entry.get("kind")
    if value in ("agent", "chatmode"):
        return value
    return "agent" if str(entry.get("raw_url", "")).endswith(".agent.md") else "chatmode"


def filter_entries(
    entries: Iterable[ChatModeRecord],
    *,
    tool: str | None = None,
    model: str | None = None,
    kind_: str | None = None,
) -> list[ChatModeRecord]:
    """The entries that pass every filter given.

    ``tool``: one of the entry's tools, compared without case; ``search`` also matches
    namespaced tools such as ``search/codebase``. ``model``: a case-insensitive substring of
    one of its models. ``kind_``: ``agent`` or ``chatmode``.
    """
    found = []
    for entry in entries:
        if tool is not None and not _has_tool(entry, tool):
            continue
        if model is not None and not any(model.casefold() in name.casefold() for name in models(entry)):
            continue
        if kind_ is not None and kind(entry) != kind_:
            continue
        found.append(entry)
    return found


def _has_tool(entry: ChatModeRecord, wanted: str) -> bool:
    wanted = wanted.casefold()
    for tool in entry.get("tools", []):
        name = tool.casefold()
        if name == wanted or name.split("/", 1)[0] == wanted:
            return True
    return False


@dataclass
class Hit:
    """One search result: the entry, its score and the fields the terms were found in."""

    entry: ChatModeRecord
    score: int
    fields: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``search --format json`` and the MCP tool."""
        entry = self.entry
        return {
            "slug": entry["slug"],
            "name": entry.get("name") or entry["slug"],
            "description": entry.get("description") or "",
            "kind": kind(entry),
            "score": self.score,
            "matched": self.fields,
        }


def search(
    entries: Iterable[ChatModeRecord], query: str, body_hits: Mapping[str, Mapping[str, int]] | None = None
) -> list[Hit]:
    """Rank ``entries`` for ``query``: every term must begin a word of some field.

    A term matches the words it begins (``review`` finds ``Reviewer``); a whole-word match
    counts a little more. Fields are the name, slug, description, tools and (when
    ``body_hits`` maps the slug to :func:`count_body_hits` of its body) the body, weighted by
    :data:`FIELD_WEIGHTS`; a term in the body counts once per occurrence up to
    :data:`MAX_BODY_HITS`. Ties go to the name, then the slug. Linear in the size of the
    texts searched.
    """
    wanted = terms(query)
    if not wanted:
        return []
    hits: list[Hit] = []
    for entry in entries:
        texts = {
            "name": str(entry.get("name") or ""),
            "slug": entry["slug"],
            "description": str(entry.get("description") or ""),
            "tools": " ".join(entry.get("tools", [])),
        }
        words = {key: _word_counts(text) for key, text in texts.items()}
        in_body = (body_hits or {}).get(entry["slug"], {})
        score, fields, missing = 0, [], False
        for term in wanted:
            found = False
            for key, weight in FIELD_WEIGHTS.items():
                if key == "body":
                    exact, count = 0, in_body.get(term, 0)
                else:
                    exact = words[key].get(term, 0)
                    count = sum(n for word, n in words[key].items() if word.startswith(term))
                if not count:
                    continue
                found = True
                score += weight * (min(count, MAX_BODY_HITS) if key == "body" else 1)
                if exact and key != "body":
                    score += weight // 2
                if key not in fields:
                    fields.append(key)
            if not found:
                missing = True
                break
        if missing:
            continue
        if texts["name"].casefold() == query.strip().casefold():
            score += 2 * FIELD_WEIGHTS["name"]
        hits.append(Hit(entry, score, [key for key in FIELD_WEIGHTS if key in fields]))
    hits.sort(key=lambda hit: (-hit.score, str(hit.entry.get("name") or "").casefold(), hit.entry["slug"]))
    return hits


def count_body_hits(body: str, wanted: list[str]) -> dict[str, int]:
    """How many words of ``body`` each term of ``wanted`` begins, up to :data:`MAX_BODY_HITS`
    (terms not found are left out): all :func:`search` keeps of a body, so the body itself
    can be dropped as soon as it is read."""
    found: dict[str, int] = {}
    for word, n in _word_counts(body).items():
        for term in wanted:
            if word.startswith(term):
                found[term] = min(found.get(term, 0) + n, MAX_BODY_HITS)
    return found


def _word_counts(text: str) -> dict[str, int]:
    """How often each case-folded word occurs; one word object at a time (a body of a
    million words would otherwise be a list of a million strings first)."""
    counts: dict[str, int] = {}
    for match in _WORD.finditer(text):
        word = match.group().casefold()
        counts[word] = counts.get(word, 0) + 1
    return counts


def fetch_verified(site: Site, entry: ChatModeRecord) -> bytes:
    """The raw file of ``entry``, checked against the catalog's ``bytes`` and ``sha256``.

    Raises :class:`~chatmode_registry.core.site.SiteError` when it cannot be fetched or does
    not match (a tampered or stale file is never shown as the published one).
    """
    raw_url = entry.get("raw_url")
    if not isinstance(raw_url, str):
        raise SiteError(f"{entry['slug']}: the catalog gives no raw_url")
    check_relative_url(raw_url)
    size = entry.get("bytes")
    content = site.fetch(raw_url, limit=size if isinstance(size, int) else None)
    problem = integrity_problem(entry, content)
    if problem is not None:
        raise SiteError(f"{site.describe(raw_url)}: {problem}")
    return content


def scan_bodies(
    site: Site,
    entries: list[ChatModeRecord],
    query: str,
    *,
    progress: ProgressCallback | None = None,
) -> tuple[dict[str, dict[str, int]], list[str]]:
    """The :func:`count_body_hits` of each entry's body for ``query``, by slug, and one note
    per file that failed.

    Bodies are fetched a few at a time (:data:`FETCH_WORKERS`) and each is dropped once
    counted, so memory holds at most one body per worker, whatever the catalog lists; the
    site's :class:`~chatmode_registry.core.site.FetchBudget` bounds what is fetched in all
    and raises :class:`~chatmode_registry.core.site.FetchLimitError` when it runs out.
    ``progress(done, total)`` is called after each file.
    """
    wanted = terms(query)
    found: dict[str, dict[str, int]] = {}
    notes: list[str] = []

    def one(entry: ChatModeRecord) -> tuple[str, dict[str, int] | None, str | None]:
        try:
            body = split_body(text_of(fetch_verified(site, entry)))
        except FetchLimitError:
            raise
        except SiteError as error:
            return entry["slug"], None, str(error)
        return entry["slug"], count_body_hits(body, wanted), None

    pool = ThreadPoolExecutor(max_workers=FETCH_WORKERS)
    try:
        for done, (slug, hits, problem) in enumerate(pool.map(one, entries), start=1):
            if hits is not None:
                found[slug] = hits
            else:
                notes.append(f"{slug}: body not searched: {problem}")
            if progress is not None:
                progress(done, len(entries))
    finally:
        # On a limit, the files not yet started are not fetched at all.
        pool.shutdown(wait=True, cancel_futures=True)
    return found, notes


def reached_from(entries: Iterable[ChatModeRecord], slug: str) -> list[dict[str, Any]]:
    """``{"source", "via", "label", "text"}`` for every transition of another mode that targets ``slug``."""
    found = []
    for entry in entries:
        for transition in entry.get("transitions", []):
            if transition.get("target") == slug and entry["slug"] != slug:
                found.append(
                    {
                        "source": entry["slug"],
                        "via": transition.get("via"),
                        "label": transition.get("label") or "",
                        "text": transition.get("text") or "",
                    }
                )
    return found


def describe(site: Site, slug: str) -> dict[str, Any]:
    """One mode for ``show`` and ``get_chatmode``: header summary, transitions, body, and
    ``copilot_cli`` (:func:`copilot_cli`).

    Raises ``KeyError`` for a slug the catalog does not have and
    :class:`~chatmode_registry.core.site.SiteError` when the raw file fails.
    """
    entries = site.entries()
    entry = entries[slug]
    content = fetch_verified(site, entry)
    text = text_of(content)
    return {
        "slug": slug,
        "name": entry.get("name") or slug,
        "description": entry.get("description") or "",
        "kind": kind(entry),
        "model": models(entry),
        "tools": list(entry.get("tools", [])),
        "source": entry.get("source"),
        "url": site_link(site, entry.get("url")),
        "raw_url": site_link(site, entry.get("raw_url")),
        "sha256": entry.get("sha256"),
        "transitions": [
            {
                "target": transition.get("target"),
                "text": transition.get("text") or "",
                "label": transition.get("label") or "",
                "via": transition.get("via"),
                "line": transition.get("line"),
                "builtin": bool(transition.get("builtin")),
            }
            for transition in entry.get("transitions", [])
        ],
        "reached_from": reached_from(entries.values(), slug),
        "diagnostics": list(entry.get("diagnostics", [])),
        "copilot_cli": copilot_cli(site, slug),
        "body": split_body(text),
        "text": text,
    }


def copilot_cli(site: Site, slug: str) -> dict[str, str | None] | None:
    """The Copilot CLI commands of ``slug`` from the catalog's ``marketplace`` field: ``install``
    (its plugin) and ``add`` (the one-time marketplace registration; ``None`` when the source
    is unknown). ``None`` when the catalog names no marketplace (or names it malformed: the
    field comes from the site and is read by :meth:`MarketplaceRef.from_dict`)."""
    marketplace = MarketplaceRef.from_dict(site.catalog.get("marketplace"))
    if marketplace is None:
        return None
    return {"install": marketplace.install_command(slug), "add": marketplace.add_command()}


def site_link(site: Site, relative_url: Any) -> str | None:
    """``relative_url`` made absolute for a site served over HTTP (kept as is for a folder)."""
    if not isinstance(relative_url, str):
        return None
    return site.describe(relative_url)
