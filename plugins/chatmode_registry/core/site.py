"""Reading a published catalog site: its ``catalog.json`` and the raw files it lists.

A site is either a URL (``http``/``https``; ``catalog.json`` lives at its root) or a folder
that ``mkdocs build`` wrote. :func:`open_site` loads and checks the catalog;
:meth:`Site.fetch` reads one file named by a URL relative to the site root. This is the one
place that opens sites and fetches their files, for ``install``, ``status`` and ``diff`` (and
the plugin's baseline). Every failure is a :class:`SiteError` whose message is one line meant
for the user. No MkDocs import here.

Errors come in two kinds, and the command line maps them to exit codes:

- :class:`SiteUnavailable` (the site or its catalog cannot be used at all: bad location,
  refused connection, DNS failure, timeout, catalog missing, not JSON, wrong shape);
- :class:`SiteFileError` (one listed file is missing, truncated, oversized or has an unsafe
  URL): the site works, that file does not.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from chatmode_registry.core.record import SCHEMA_VERSION, CatalogRecord, ChatModeRecord, catalog_problem

#: Name of the machine-readable catalog at the site root.
CATALOG_NAME = "catalog.json"

#: mike's list of the versions published on a site, at the site's root.
VERSIONS_NAME = "versions.json"

#: The alias that names a mike site's default version (mike's documentation deploys with
#: ``mike deploy --update-aliases VERSION latest``).
DEFAULT_ALIAS = "latest"

#: Largest ``versions.json`` accepted (one short entry per version).
MAX_VERSIONS_BYTES = 1024 * 1024

#: Default seconds one request may take in total (connect, headers and body together).
DEFAULT_TIMEOUT = 20.0

#: Largest catalog accepted; a bigger answer is not a catalog this registry wrote. Parsing
#: JSON costs many times its size in memory, so this cap is what bounds the memory used.
MAX_CATALOG_BYTES = 16 * 1024 * 1024

#: At least this many catalog bytes per JSON object or array (``{`` and ``[`` counted before
#: parsing): an empty ``{}`` takes three bytes and about 64 in memory, so a catalog made of tiny
#: containers would cost far more memory per byte than a real one does.
MIN_BYTES_PER_CONTAINER = 16

#: Deepest nesting of arrays and objects accepted in a catalog; a real one nests about six deep.
MAX_CATALOG_DEPTH = 32

#: Largest raw chat mode file fetched, whatever the catalog's ``bytes`` says. The build refuses
#: sources over its ``max_bytes`` option (256 KiB by default); this leaves room for sites that
#: raise it without letting a catalog make a client read without end.
MAX_FILE_BYTES = 4 * 1024 * 1024

#: Most bytes of raw files one command reads from a site, every file together. A catalog can
#: list any number of entries that all point at one valid file of :data:`MAX_FILE_BYTES`;
#: without a total, ``search`` or ``install --with-transitions`` would read (and hold) them
#: all. A real registry is far below it (hundreds of modes of a few KiB each).
MAX_TOTAL_BYTES = 64 * 1024 * 1024

#: Most raw files one command fetches from a site (each is a request, with its own deadline).
MAX_FETCHES = 5000

_TOO_DEEP = object()
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_READ_CHUNK = 64 * 1024


class SiteError(Exception):
    """A site problem, with a one-line message for the user."""


class SiteUnavailable(SiteError):
    """The site or its catalog cannot be used: nothing can be installed or checked."""


class CatalogError(SiteUnavailable):
    """``catalog.json`` is missing, is not JSON, or does not have the catalog's shape."""


class SiteFileError(SiteError):
    """One file listed by the catalog cannot be fetched (missing, truncated, unsafe URL)."""


class FetchLimitError(SiteUnavailable):
    """The command has read all the bytes, or fetched all the files, it may from one site
    (:class:`FetchBudget`). Nothing more is fetched: the command stops with this message."""


class _TooLarge(SiteFileError):
    """A body longer than the limit its read was given."""


class UnsafeUrlError(SiteFileError):
    """A catalog URL that could leave the site root (absolute, ``..``, another host)."""


class _RefusedRedirect(SiteUnavailable):
    """A redirect to anything but ``http``/``https``."""


class _SafeRedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows redirects only to ``http`` and ``https`` URLs (urllib alone also allows ``ftp``)."""

    def http_error_302(self, req, fp, code, msg, headers):  # urllib API
        location = headers.get("location") or headers.get("uri")
        if location:
            target = urllib.parse.urljoin(req.full_url, location)
            if urllib.parse.urlsplit(target).scheme.lower() not in ("http", "https"):
                raise _RefusedRedirect(
                    f"{req.full_url} redirects to {location!r}; only http(s) redirects are followed"
                )
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


class _Deadline:
    """The total time one request may take, redirects included.

    A socket timeout bounds each read, not the request: a server that sends one byte just
    before every timeout would never be cut off. A timer thread shuts down every connection
    the request opened when the time is up, which ends any blocked read at once.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        """Seconds left (a small positive number once the time is up, for socket timeouts)."""
        return max(self._end - time.monotonic(), 0.001)

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock`` down when the time is up (at once if it already is)."""
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shutdown_quietly(sock)

    def check(self) -> None:
        """Raise ``TimeoutError`` once the time is up."""
        if self.expired or time.monotonic() >= self._end:
            self.expired = True
            raise TimeoutError

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shutdown_quietly(sock)

    def cancel(self) -> None:
        """Stop the timer (the request is over)."""
        self._timer.cancel()


def _shutdown_quietly(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _opener(deadline: _Deadline) -> urllib.request.OpenerDirector:
    """An opener that speaks only HTTP(S), every connection under ``deadline``.

    ``file:``, ``ftp:`` and ``data:`` handlers are not installed.
    """

    class Watched:
        """Connects with what is left of the deadline and hands the socket to it."""

        timeout: Any
        sock: Any

        def connect(self) -> None:
            self.timeout = deadline.remaining()
            super().connect()  # type: ignore[misc]
            deadline.watch(self.sock)

    class Connection(Watched, http.client.HTTPConnection):
        pass

    class SecureConnection(Watched, http.client.HTTPSConnection):
        pass

    class Handler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(Connection, req)

    class SecureHandler(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(SecureConnection, req, context=self._context)

    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        Handler(),
        SecureHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        _SafeRedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def check_relative_url(relative_url: str) -> str:
    """Return ``relative_url`` if it names a place below the site root, else raise.

    Refused: empty strings, NUL and backslashes, control characters (urllib would drop some
    and refuse others), a scheme or host, a leading ``/``, and any ``.``/``..`` segment
    (checked after percent-decoding, since servers decode too).
    """
    if not isinstance(relative_url, str) or not relative_url:
        raise UnsafeUrlError(f"empty or non-string URL {relative_url!r} in the catalog")
    parts = urllib.parse.urlsplit(relative_url)
    decoded = urllib.parse.unquote(parts.path)
    problem = None
    if "\x00" in relative_url or "\\" in relative_url or "\x00" in decoded or "\\" in decoded:
        problem = "contains NUL or a backslash"
    elif _CONTROL.search(relative_url) or _CONTROL.search(decoded):
        problem = "contains a control character"
    elif parts.scheme or parts.netloc or relative_url.startswith("//"):
        problem = "is not relative to the site"
    elif decoded.startswith("/"):
        problem = "is absolute"
    elif any(segment in (".", "..") for segment in decoded.split("/")):
        problem = "contains a '.' or '..' segment"
    elif parts.query or parts.fragment:
        problem = "has a query or fragment"
    if problem:
        raise UnsafeUrlError(f"refusing catalog URL {relative_url!r}: it {problem}")
    return relative_url


def check_catalog(data: Any, origin: str, *, require_files: bool = True) -> CatalogRecord:
    """Check that ``data`` is a ``catalog.json`` this version reads (its JSON Schema,
    :func:`~chatmode_registry.core.record.catalog_problem`); return it.

    ``require_files`` (install and status, which fetch and verify files) also requires
    ``raw_url`` and ``sha256`` in every entry; a diff can compare entries without them.
    """
    problem = catalog_problem(data, require_files=require_files)
    if problem is not None:
        raise CatalogError(f"{origin} is not a chat mode catalog: {problem}")
    record: CatalogRecord = data
    return record


def parse_catalog(
    raw: bytes, origin: str, *, require_files: bool = True, max_bytes: int = MAX_CATALOG_BYTES
) -> CatalogRecord:
    """Decode and check a ``catalog.json`` body read from ``origin`` (used in messages).

    Refused before parsing: more than ``max_bytes``, or more ``{``/``[`` than one per
    :data:`MIN_BYTES_PER_CONTAINER` bytes (memory). Refused after: nesting deeper than
    :data:`MAX_CATALOG_DEPTH` (any later recursive walk of the document stays safe).
    """
    if len(raw) > max_bytes:
        raise CatalogError(f"{origin} is not a chat mode catalog: larger than {_size(max_bytes)}")
    containers = raw.count(b"{") + raw.count(b"[")
    if containers > max(len(raw) // MIN_BYTES_PER_CONTAINER, 64):
        raise CatalogError(
            f"{origin} is not a chat mode catalog: {containers} JSON objects and arrays in "
            f"{len(raw)} bytes (a catalog has far fewer)"
        )
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise CatalogError(f"{origin} is not JSON: not UTF-8 text ({error.reason})") from None
    except json.JSONDecodeError as error:
        raise CatalogError(
            f"{origin} is not JSON: not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        data = _TOO_DEEP
    if data is _TOO_DEEP or _too_deep(data, MAX_CATALOG_DEPTH):
        raise CatalogError(
            f"{origin} is not a chat mode catalog: arrays and objects nested more than "
            f"{MAX_CATALOG_DEPTH} deep"
        )
    return check_catalog(data, origin, require_files=require_files)


def _too_deep(data: Any, limit: int) -> bool:
    """True when ``data`` nests lists and dicts more than ``limit`` deep (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def _size(count: int) -> str:
    """``count`` bytes for messages: ``16 MiB``, ``4 MiB``, ``512 bytes``."""
    if count >= 1024 * 1024 and count % (1024 * 1024) == 0:
        return f"{count // (1024 * 1024)} MiB"
    if count >= 1024 and count % 1024 == 0:
        return f"{count // 1024} KiB"
    return f"{count} bytes"


class FetchBudget:
    """What one command may still fetch from a site: :data:`MAX_TOTAL_BYTES` and
    :data:`MAX_FETCHES` by default. Shared by the threads that fetch for it.

    Each fetch reserves the most it may read before it starts and gives back what it did not
    use, so the bytes read never pass ``max_bytes``, however many fetches run at once.
    ``fetched_bytes`` and ``fetched_files`` say what was read.
    """

    def __init__(self, max_bytes: int = MAX_TOTAL_BYTES, max_files: int = MAX_FETCHES) -> None:
        self.max_bytes = max_bytes
        self.max_files = max_files
        self.fetched_bytes = 0
        self.fetched_files = 0
        self._reserved = 0
        self._lock = threading.Lock()

    def reserve(self, wanted: int) -> int:
        """Start one fetch of at most ``wanted`` bytes; returns the bytes it may read (fewer
        when less is left). Raises :class:`FetchLimitError` when no fetch or no byte is left."""
        with self._lock:
            if self.fetched_files >= self.max_files:
                raise FetchLimitError(self._message(f"the {self.max_files:,} files"))
            left = self.max_bytes - self.fetched_bytes - self._reserved
            if left <= 0:
                raise FetchLimitError(self._message(f"the {_size(self.max_bytes)}"))
            granted = min(wanted, left)
            self.fetched_files += 1
            self._reserved += granted
            return granted

    def settle(self, granted: int, used: int) -> None:
        """End a fetch that reserved ``granted`` bytes and read ``used`` of them."""
        with self._lock:
            self._reserved -= granted
            self.fetched_bytes += used

    def exceeded(self) -> FetchLimitError:
        """The error for a file that is longer than what was left of the bytes."""
        return FetchLimitError(self._message(f"the {_size(self.max_bytes)}"))

    def _message(self, what: str) -> str:
        return (
            f"stopped after {self.fetched_files:,} files and {self.fetched_bytes:,} bytes: {what} "
            "one command may fetch from a site are used up (a catalog that lists more than a "
            "registry has, or the same large file again and again)"
        )


@dataclass
class Site:
    """A catalog site: its checked ``catalog`` and a way to read files below its root.

    ``root`` is the base URL with a trailing slash, or the site folder. ``timeout`` is the
    deadline of each request, in seconds, from connecting to the last byte of the body.
    """

    root: str
    catalog: CatalogRecord
    timeout: float = DEFAULT_TIMEOUT
    is_url: bool = True
    #: What this command may still fetch; a long-lived user (the MCP server) gives each
    #: request a fresh one with :meth:`for_one_request`.
    budget: FetchBudget = field(default_factory=FetchBudget)
    #: What the user should know about how the site was found (a mike root followed to one
    #: of its versions), or an empty string.
    note: str = ""

    def entries(self) -> dict[str, ChatModeRecord]:
        """The catalog's chat mode entries by slug, in catalog order."""
        return {entry["slug"]: entry for entry in self.catalog["chatmodes"]}

    def fetch(self, relative_url: str, *, limit: int | None = None) -> bytes:
        """The bytes of the file at ``relative_url`` (relative to the site root).

        ``limit``: the most bytes accepted, never more than :data:`MAX_FILE_BYTES` (also the
        default); a longer file raises :class:`SiteFileError` as soon as the limit is passed,
        instead of being read to the end. Missing files and truncated downloads raise
        :class:`SiteFileError`; network failures and the deadline raise :class:`SiteUnavailable`;
        a fetch past the command's :attr:`budget` raises :class:`FetchLimitError`.
        """
        check_relative_url(relative_url)
        limit = MAX_FILE_BYTES if limit is None else min(limit, MAX_FILE_BYTES)
        granted = self.budget.reserve(limit)
        body = b""
        try:
            if self.is_url:
                body = _read_url(urllib.parse.urljoin(self.root, relative_url), self.timeout, granted)
            else:
                body = _read_folder_file(Path(self.root), relative_url, granted)
        except _TooLarge:
            if granted < limit:
                raise self.budget.exceeded() from None
            raise
        finally:
            self.budget.settle(granted, len(body))
        return body

    def for_one_request(self) -> Site:
        """This site with a fresh :class:`FetchBudget` (the catalog is shared, not copied)."""
        return replace(self, budget=FetchBudget(self.budget.max_bytes, self.budget.max_files))

    def describe(self, relative_url: str) -> str:
        """Where ``relative_url`` points, for messages."""
        if self.is_url:
            return urllib.parse.urljoin(self.root, relative_url)
        return str(Path(self.root) / urllib.parse.unquote(relative_url))


def is_http_url(location: str) -> bool:
    """True when ``location`` is an ``http`` or ``https`` URL (not a path)."""
    return urllib.parse.urlsplit(location).scheme.lower() in ("http", "https")


def open_site(location: str, *, timeout: float = DEFAULT_TIMEOUT, require_files: bool = True) -> Site:
    """Open the site at ``location`` and load its catalog.

    ``location`` is an ``http``/``https`` URL of the site root or of a catalog file (a path
    ending in ``.json``), or a folder or the path of a catalog file; the site root is the
    folder that holds the catalog. ``require_files`` is passed to :func:`check_catalog`.
    Raises :class:`SiteUnavailable`.
    """
    if not location:
        raise SiteUnavailable("no site given")
    scheme = urllib.parse.urlsplit(location).scheme.lower()
    if is_http_url(location):
        parts = urllib.parse.urlsplit(location)
        root_path, _, name = parts.path.rpartition("/")
        if not name.lower().endswith(".json"):
            root_path, name = parts.path.rstrip("/"), CATALOG_NAME
        root = urllib.parse.urlunsplit((parts.scheme, parts.netloc, root_path + "/", "", ""))
        catalog_url = urllib.parse.urljoin(root, name)
        note = ""
        try:
            raw = _read_url(catalog_url, timeout, MAX_CATALOG_BYTES)
        except SiteFileError as error:
            version = None
            if name == CATALOG_NAME:
                version = _mike_default(
                    lambda: _read_url(urllib.parse.urljoin(root, VERSIONS_NAME), timeout, MAX_VERSIONS_BYTES),
                    root + VERSIONS_NAME,
                )
            if version is None:
                raise CatalogError(str(error)) from None
            root, note = (
                urllib.parse.urljoin(root, urllib.parse.quote(version.folder) + "/"),
                version.note(root),
            )
            catalog_url = urllib.parse.urljoin(root, CATALOG_NAME)
            try:
                raw = _read_url(catalog_url, timeout, MAX_CATALOG_BYTES)
            except SiteFileError as again:
                raise CatalogError(f"{again} ({note})") from None
        catalog = parse_catalog(raw, catalog_url, require_files=require_files)
        return Site(root=root, catalog=catalog, timeout=timeout, note=note)
    # A one-letter "scheme" is a Windows drive; anything else with "://" is a URL we do not speak.
    if "://" in location and len(scheme) > 1:
        raise SiteUnavailable(
            f"{location}: unsupported scheme {scheme!r} (use http://, https:// or a folder)"
        )
    catalog_path = Path(location)
    note = ""
    if catalog_path.is_dir():
        folder = catalog_path
        catalog_path = folder / CATALOG_NAME
        if not catalog_path.is_file():
            version = (
                _mike_default(
                    lambda: _read_folder_file(folder, VERSIONS_NAME, MAX_VERSIONS_BYTES),
                    str(folder / VERSIONS_NAME),
                )
                if (folder / VERSIONS_NAME).is_file()
                else None
            )
            if version is None:
                raise CatalogError(f"{location}: folder has no {CATALOG_NAME} (was the site built?)")
            note = version.note(location)
            catalog_path = folder / version.folder / CATALOG_NAME
            if not catalog_path.resolve().is_relative_to(folder.resolve()) or not catalog_path.is_file():
                raise CatalogError(f"{catalog_path}: no {CATALOG_NAME} there ({note})")
    elif not catalog_path.exists():
        raise SiteUnavailable(f"{location}: no such file or folder")
    try:
        with catalog_path.open("rb") as handle:
            raw = handle.read(MAX_CATALOG_BYTES + 1)
    except OSError as error:
        raise CatalogError(f"{location}: cannot read ({error.strerror or error})") from None
    catalog = parse_catalog(raw, str(catalog_path), require_files=require_files)
    return Site(root=str(catalog_path.parent), catalog=catalog, timeout=timeout, is_url=False, note=note)


@dataclass(frozen=True)
class MikeVersion:
    """The version of a mike site that a client reads when given the site's root."""

    folder: str
    aliases: tuple[str, ...]

    def note(self, root: str) -> str:
        """One line saying which version was taken and why."""
        alias = f" (alias {DEFAULT_ALIAS})" if DEFAULT_ALIAS in self.aliases else " (the newest listed)"
        return f"{root} is a mike site: reading its default version {self.folder}{alias}, as {VERSIONS_NAME} lists it"


def _mike_default(read: Callable[[], bytes], origin: str) -> MikeVersion | None:
    """The default version of a mike site, from its ``versions.json``; ``None`` when there is
    none (not a mike site) and :class:`CatalogError` when it is not mike's list.

    mike writes ``versions.json`` at the site root as a list of ``{"version", "title",
    "aliases"}``, newest first (mike 2.1, ``mike/versions.py``). It does not record which
    version is the default (``mike set-default`` writes a redirecting ``index.html``), so the
    default is the version carrying the ``latest`` alias, mike's documented convention, else
    the newest one.
    """
    try:
        raw = read()
    except SiteFileError:
        return None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise CatalogError(f"{origin} is not mike's versions list: not JSON") from None
    versions: list[MikeVersion] = []
    for item in data if isinstance(data, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("version"), str):
            continue
        aliases = item.get("aliases")
        names = tuple(a for a in aliases if isinstance(a, str)) if isinstance(aliases, list) else ()
        try:
            check_relative_url(item["version"])
        except UnsafeUrlError:
            continue
        if "/" in item["version"]:
            continue
        versions.append(MikeVersion(item["version"], names))
    if not versions:
        raise CatalogError(f"{origin} is not mike's versions list: no usable version in it")
    return next((version for version in versions if DEFAULT_ALIAS in version.aliases), versions[0])


def site_at(root: str, *, timeout: float = DEFAULT_TIMEOUT) -> Site:
    """A :class:`Site` for reading files below ``root`` (a URL or a folder) with no catalog.

    For a caller that kept only the root of a site opened earlier; a URL root gains the
    trailing slash relative URLs are resolved against.
    """
    if is_http_url(root):
        root = root if root.endswith("/") else root + "/"
    empty: CatalogRecord = {"schema": SCHEMA_VERSION, "site_url": None, "chatmodes": [], "rejected": []}
    return Site(root=root, catalog=empty, timeout=timeout, is_url=is_http_url(root))


def _read_url(url: str, timeout: float, limit: int) -> bytes:
    """GET ``url`` and return its body, checked against ``Content-Length`` and ``limit``.

    ``timeout`` is a deadline for the whole request; at most ``limit`` bytes (plus one
    chunk) are ever held in memory.
    """
    request = urllib.request.Request(url, headers={"User-Agent": "chatmodes", "Accept-Encoding": "identity"})
    deadline = _Deadline(timeout)
    timed_out = SiteUnavailable(f"{url}: timed out after {timeout:g} s")
    try:
        with _opener(deadline).open(request, timeout=timeout) as response:
            expected = response.headers.get("Content-Length")
            if expected is not None and expected.strip().isdigit() and int(expected) > limit:
                raise _TooLarge(f"{url}: more than the {_size(limit)} accepted ({int(expected)} bytes)")
            body = _read_limited(response, limit, url, deadline)
        deadline.check()
    except SiteError:
        raise
    except urllib.error.HTTPError as error:
        if error.code in (404, 410):
            raise SiteFileError(f"{url}: not found (HTTP {error.code})") from None
        raise SiteUnavailable(f"{url}: HTTP {error.code} {error.reason}") from None
    except Exception as error:
        if deadline.expired or _is_timeout(error):
            raise timed_out from None
        if isinstance(error, urllib.error.URLError):
            raise SiteUnavailable(f"{url}: {_describe_network_error(error.reason)}") from None
        if isinstance(error, http.client.IncompleteRead):
            raise SiteFileError(
                f"{url}: truncated download ({len(error.partial)} bytes received"
                + (f", {error.expected} more expected)" if error.expected else ")")
            ) from None
        if isinstance(error, (http.client.HTTPException, ConnectionError, ssl.SSLError, OSError)):
            raise SiteUnavailable(f"{url}: {_describe_network_error(error)}") from None
        raise
    finally:
        deadline.cancel()
    if expected is not None and expected.strip().isdigit() and int(expected) != len(body):
        raise SiteFileError(f"{url}: truncated download ({len(body)} of {int(expected)} bytes received)")
    return body


def _is_timeout(error: BaseException) -> bool:
    return isinstance(error, TimeoutError) or isinstance(getattr(error, "reason", None), TimeoutError)


def _read_limited(response: http.client.HTTPResponse, limit: int, url: str, deadline: _Deadline) -> bytes:
    """Read a response body in chunks, refusing to read past ``limit`` bytes or the deadline."""
    chunks: list[bytes] = []
    total = 0
    while True:
        deadline.check()
        chunk = response.read(min(_READ_CHUNK, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise _TooLarge(f"{url}: more than the {_size(limit)} accepted")


def _describe_network_error(reason: object) -> str:
    """A short, user-facing description of a low-level network failure."""
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return "timed out"
    if isinstance(reason, ConnectionRefusedError):
        return "cannot connect: connection refused (is the server running?)"
    if isinstance(reason, socket.gaierror):
        return f"cannot resolve the host name ({reason.strerror or reason})"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error ({reason.reason or reason})"
    if isinstance(reason, ConnectionError):
        return f"connection failed ({reason.strerror or reason.__class__.__name__})"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or reason.__class__.__name__


def _read_folder_file(root: Path, relative_url: str, limit: int) -> bytes:
    """Read a file of a site folder, refusing paths that resolve outside the folder."""
    relative_path = urllib.parse.unquote(relative_url)
    path = root / relative_path
    try:
        resolved = path.resolve(strict=True)
        if not resolved.is_relative_to(root.resolve()):
            raise UnsafeUrlError(f"refusing {relative_url!r}: it resolves outside the site folder")
        if not resolved.is_file():
            raise SiteFileError(f"{path}: not a file")
        with resolved.open("rb") as handle:
            body = handle.read(limit + 1)
    except FileNotFoundError:
        raise SiteFileError(f"{path}: not found") from None
    except OSError as error:
        raise SiteFileError(f"{path}: cannot read ({error.strerror or error})") from None
    if len(body) > limit:
        raise _TooLarge(f"{path}: more than the {_size(limit)} accepted")
    return body
