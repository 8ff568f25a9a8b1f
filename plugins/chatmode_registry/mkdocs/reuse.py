"""Chat mode pages a ``mkdocs serve`` rebuild takes as they were, instead of building again.

``mkdocs serve`` rebuilds the whole site after every change. After an author edits one chat
mode, almost every chat mode page comes out exactly as before, yet MkDocs would render each
through the theme again: most of a rebuild's time. The plugin keeps each page's finished
HTML (compressed) and search entries with a key made of everything the page is built from,
and a later build whose key for that page is the same writes the kept HTML through a
one-line template instead of the theme's.

A page is reused only when all of these are what they were when it was kept:

* the site (:func:`site_key`): the whole configuration (plugins' included), the navigation,
  every file's path and URL, the content of every file read from disk (:class:`FileDigests`)
  and of each hook's file. Anything else that changes makes a different site key, and no
  page is reused;
* the templates the last builds loaded, the theme's and the catalog's, by the digest of
  their sources (:class:`TemplateSources`): a template edited in place, even to the same
  size and modification time, or a new file that shadows one, and no page is reused;
* the page's own inputs (:func:`page_key`): its template, URL and metadata, and the very
  values it is rendered from: the template context (which holds what the page shows of other
  chat modes and every entry of the site-wide name tables it links into: tool anchors,
  page URLs, section ids), what its body and its neighbourhood drawing are made of. The key
  is computed from those values (:func:`value_digest`), not from a list of what they depend
  on, so a table that a page starts to link into is part of the key without anyone listing
  it; a value of a kind the digest does not know makes the page be built again.

The plugin's own code and the environment cannot change while ``mkdocs serve`` runs; a
plugin that puts something new into every build (a clock) would not be seen, which is why
this only happens under ``mkdocs serve`` and can be switched off with ``serve_reuse: false``.
"""

from __future__ import annotations

import datetime
import enum
import hashlib
import os
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, is_dataclass
from typing import Any

import jinja2
from markupsafe import Markup

from chatmode_registry.core.model import ChatMode

#: The template a reused page is rendered with: the kept HTML goes in at ``on_post_page``.
REUSED_TEMPLATE = "chatmodes/reused-page.html"
REUSED_TEMPLATE_SOURCE = "<!-- a page of the last build, put back by the chatmodes plugin -->"


class UnknownValue(TypeError):
    """A value :func:`value_digest` cannot digest: the page it belongs to is built again."""


def _digest(parts: Iterable[Any]) -> bytes:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(repr(part).encode("utf-8", "surrogatepass"))
        hasher.update(b"\x00")
    return hasher.digest()


def mode_fingerprint(mode: ChatMode) -> bytes:
    """A digest of a chat mode as read and checked: its bytes stand for its header and body,
    the rest is what the catalog made of it (slug, name, resolved transitions, diagnostics)."""
    return _digest((mode.source, mode.sha256, mode.slug, mode.name, mode.transitions, mode.diagnostics))


def _write(value: Any, out: list[str], modes: dict[int, tuple[ChatMode, bytes]]) -> None:
    """Write ``value`` to ``out`` without ambiguity: every part says its kind and its size.

    Text, ``None``, dicts and lists make most of a page's values: they are written here, the
    text inside a container without a call of its own (this runs over every value of every
    chat mode page at each rebuild); anything else by :func:`_write_other`.
    """
    kind = type(value)
    if kind is str:
        out.append(f"s{len(value)}:")
        out.append(value)
    elif kind is dict:
        out.append(f"d{len(value)}:")
        for key, item in value.items():
            if type(key) is str:
                out.append(f"s{len(key)}:")
                out.append(key)
            else:
                _write(key, out, modes)
            if type(item) is str:
                out.append(f"s{len(item)}:")
                out.append(item)
            else:
                _write(item, out, modes)
    elif kind is list or kind is tuple:  # told apart: printed whole, they differ
        out.append(f"{'l' if kind is list else 'u'}{len(value)}:")
        for item in value:
            if type(item) is str:
                out.append(f"s{len(item)}:")
                out.append(item)
            else:
                _write(item, out, modes)
    elif value is None:
        out.append("N")
    elif kind is bool:
        out.append("T" if value else "F")
    elif kind is int or kind is float:
        out.append(f"n{value!r};")
    else:
        _write_other(value, out, modes)


#: The field names of each dataclass met so far (``dataclasses.fields`` is slow).
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _write_other(value: Any, out: list[str], modes: dict[int, tuple[ChatMode, bytes]]) -> None:
    if isinstance(value, Markup):  # markup and text render differently
        out.append(f"h{len(value)}:")
        out.append(str(value))
    elif isinstance(value, enum.Enum):
        out.append(f"e{type(value).__qualname__};")
        _write(value.value, out, modes)
    elif isinstance(value, ChatMode):
        # A whole chat mode stands for its bytes and what the catalog made of them.
        known = modes.get(id(value))
        if known is None or known[0] is not value:
            known = modes[id(value)] = (value, mode_fingerprint(value))
        out.append(f"m{known[1].hex()};")
    elif is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES.get(type(value))
        if names is None:
            names = _FIELD_NAMES[type(value)] = tuple(item.name for item in fields(value))
        out.append(f"c{type(value).__qualname__};{len(names)}:")
        for name in names:
            out.append(f"{name};")
            _write(getattr(value, name), out, modes)
    elif isinstance(value, str | int | float):  # subclasses of the plain kinds
        out.append(f"{type(value).__qualname__};")
        _write(type(value).__mro__[-2](value), out, modes)
    elif isinstance(value, bytes):
        out.append(f"b{len(value)}:{value.hex()}")
    elif isinstance(value, set | frozenset):
        out.append(f"S{len(value)}:")
        out.extend(sorted(value_digest(item, modes=modes).hex() for item in value))
    elif isinstance(value, datetime.date | datetime.time):
        out.append(f"t{value.isoformat()};")
    else:
        raise UnknownValue(f"no digest for a {type(value).__qualname__}")


def value_digest(value: Any, *, modes: dict[int, tuple[ChatMode, bytes]] | None = None) -> bytes:
    """A digest of a plain value: ``None``, booleans, numbers, text (markup apart), bytes,
    enums, dates, lists, tuples, dicts, sets, dataclasses and chat modes, nested.

    Two values with the same digest render the same through any template. A value of any
    other kind raises :class:`UnknownValue` (never a digest that might miss a change).
    ``modes`` keeps each chat mode's digest for the build (see :func:`mode_fingerprint`).
    """
    out: list[str] = []
    _write(value, out, {} if modes is None else modes)
    return hashlib.sha256("".join(out).encode("utf-8", "surrogatepass")).digest()


class FileDigests:
    """The content digests of files on disk, for a key that sees every edit of a file.

    A file's size and modification time are not its content: an editor, a ``git checkout``
    or ``os.utime`` can put back the time of a file whose bytes changed. A file is read and
    hashed again unless its status (modification and change times, size, inode) is the one
    it had when it was last hashed; the change time cannot be set back, so an edit always
    changes the status. A file changed just before it was hashed could be changed again
    within the same tick of a coarse clock without a new status, so its digest is kept only
    once its last change is :attr:`SETTLED_NS` older than the hashing (git's "racily clean"
    rule); until then it is hashed on every build.
    """

    SETTLED_NS = 2_000_000_000

    def __init__(self) -> None:
        self._known: dict[str, tuple[tuple[int, ...], bytes]] = {}
        self._used: set[str] = set()

    def digest(self, path: str) -> bytes | None:
        """The SHA-256 of the file's bytes; ``None`` when it cannot be read."""
        self._used.add(path)
        try:
            status = os.stat(path)
        except OSError:
            return None
        signature = (status.st_mtime_ns, status.st_ctime_ns, status.st_size, status.st_ino, status.st_dev)
        known = self._known.get(path)
        if known is not None and known[0] == signature:
            return known[1]
        try:
            with open(path, "rb") as stream:
                digest = hashlib.file_digest(stream, "sha256").digest()
        except OSError:
            return None
        if time.time_ns() - max(status.st_mtime_ns, status.st_ctime_ns) > self.SETTLED_NS:
            self._known[path] = (signature, digest)
        else:
            self._known.pop(path, None)
        return digest

    def end_build(self) -> None:
        """Forget the files this build did not look at."""
        self._known = {path: known for path, known in self._known.items() if path in self._used}
        self._used = set()


def _nav_outline(items: Iterable[Any]) -> list[Any]:
    """The navigation's titles, URLs and nesting."""
    outline: list[Any] = []
    for item in items:
        children = getattr(item, "children", None)
        outline.append(
            (type(item).__name__, item.title, getattr(item, "url", None), _nav_outline(children or ()))
        )
    return outline


def _config_items(config: Any, files: FileDigests) -> list[tuple[str, str]]:
    items = []
    for key in sorted(config.keys()):
        value = config[key]
        if key == "plugins":
            value = [(name, _plugin_state(plugin, files)) for name, plugin in value.items()]
        items.append((key, repr(value)))
    return items


def _plugin_state(plugin: Any, files: FileDigests) -> Any:
    """A plugin's options; for a hook (a module MkDocs loads from its file), its file's content."""
    options = getattr(plugin, "config", None)
    if options is not None and hasattr(options, "items"):
        return sorted((key, repr(value)) for key, value in options.items())
    path = getattr(plugin, "__file__", None)
    if isinstance(path, str):
        return (path, files.digest(path))
    return repr(type(plugin))


def site_key(config: Any, files: Any, nav: Any, digests: FileDigests) -> bytes:
    """What every page of the site is built from besides its own inputs and the templates
    (see the module): ``digests`` gives the content of the files read from disk."""
    listing = []
    for file in files:
        entry: tuple[Any, ...] = (file.src_uri, file.dest_uri, file.url, str(file.inclusion))
        if not getattr(file, "generated_by", None) and file.abs_src_path:
            entry += (digests.digest(file.abs_src_path),)
        listing.append(entry)
    listing.sort()
    return _digest(
        [_config_items(config, digests), _nav_outline(nav.items if nav is not None else ()), listing]
    )


def page_key(
    site: bytes, parts: Iterable[Any], *, modes: dict[int, tuple[ChatMode, bytes]] | None = None
) -> bytes:
    """A page's key: the site's and the values the page is built from (:func:`value_digest`);
    raises :class:`UnknownValue` for a value it cannot digest."""
    return hashlib.sha256(site + value_digest(list(parts), modes=modes)).digest()


class _RecordingLoader(jinja2.BaseLoader):
    """A loader that loads through ``inner`` and notes each template's name and the digest
    of its source (``None``: not found), the first time the name is asked for."""

    def __init__(self, inner: jinja2.BaseLoader, loaded: dict[str, bytes | None]) -> None:
        self.inner = inner
        self.loaded = loaded

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        try:
            source, filename, uptodate = self.inner.get_source(environment, template)
        except jinja2.TemplateNotFound:
            self.loaded.setdefault(template, None)
            raise
        self.loaded.setdefault(template, _source_digest(source))
        return source, filename, uptodate

    def list_templates(self) -> list[str]:
        return self.inner.list_templates()


def _source_digest(source: str) -> bytes:
    return hashlib.sha256(source.encode("utf-8", "surrogatepass")).digest()


class TemplateSources:
    """The templates the kept pages were rendered with, by the digest of their sources.

    Each Jinja environment a page goes through (the theme's, the catalog's own) gets a loader
    that notes every template it loads. At the next build, before anything is reused, each
    noted name is looked up again through that build's loader: a template whose source
    changed in any way (its bytes, or a file in ``custom_dir`` that now shadows it, or one that
    was missing and is there now) means no kept page may be reused. Only the templates the
    site really uses are read: a theme's folders also hold thousands of icons.
    """

    def __init__(self) -> None:
        self._loaded: dict[str, dict[str, bytes | None]] = {}

    def watch(self, kind: str, environment: jinja2.Environment) -> bool:
        """Note what ``environment`` (of ``kind``: ``theme``, ``catalog``) loads from now on;
        whether every template noted for ``kind`` so far still has the same source."""
        loader = environment.loader
        assert loader is not None
        loaded = self._loaded.setdefault(kind, {})
        unchanged = True
        for name, digest in loaded.items():
            try:
                source = loader.get_source(environment, name)[0]
            except jinja2.TemplateNotFound:
                current = None
            else:
                current = _source_digest(source)
            if current != digest:
                unchanged = False
                break
        if not unchanged:
            loaded = self._loaded[kind] = {}
        environment.loader = _RecordingLoader(loader, loaded)
        return unchanged


@dataclass(frozen=True)
class KeptPage:
    """A chat mode page as the last build finished it."""

    key: bytes
    html: bytes  # zlib-compressed: a catalog's pages would otherwise be its size in memory
    search_entries: tuple[dict[str, Any], ...] | None
    toc: Any
    edit_url: str | None

    @property
    def output(self) -> str:
        return zlib.decompress(self.html).decode("utf-8")


class PageStore:
    """The pages of the last build, by URL; a build keeps only what it wrote or reused."""

    def __init__(self) -> None:
        self._pages: dict[str, KeptPage] = {}
        self._next: dict[str, KeptPage] = {}
        self.reused = 0
        #: How many pages the build that ended last reused.
        self.last_reused = 0

    def has(self, url: str) -> bool:
        """Whether a page was kept at ``url``."""
        return url in self._pages

    def get(self, url: str, key: bytes) -> KeptPage | None:
        """The kept page at ``url`` if it was built with ``key``."""
        page = self._pages.get(url)
        if page is None or page.key != key:
            return None
        self._next[url] = page
        self.reused += 1
        return page

    def put(
        self,
        url: str,
        key: bytes,
        output: str,
        *,
        search_entries: list[dict[str, Any]] | None,
        toc: Any,
        edit_url: str | None,
    ) -> None:
        """Keep a page this build finished."""
        self._next[url] = KeptPage(
            key,
            zlib.compress(output.encode("utf-8"), 1),
            tuple(search_entries) if search_entries is not None else None,
            toc,
            edit_url,
        )

    def forget(self) -> None:
        """Reuse nothing of the last build (something every page is built from changed)."""
        self._pages = {}

    def end_build(self) -> None:
        """The pages of this build become the ones the next build may reuse."""
        self._pages, self._next = self._next, {}
        self.last_reused, self.reused = self.reused, 0
