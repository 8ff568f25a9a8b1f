"""Reading a published catalog site: its ``catalog.json`` and the raw files it lists.

A site is either a URL (``http``/``https``; ``catalog.json`` lives at its root) or a folder
that ``mkdocs build`` wrote. :func:`open_site` loads and checks the catalog;
:meth:`Site.fetch` reads one file named by a URL relative to the site root. Every failure is
a :class:`SiteError` whose message is one line meant for the user. No MkDocs import here.

Errors come in two kinds, and the command line maps them to exit codes:

- :class:`SiteUnavailable` (the site or its catalog cannot be used at all: bad location,
  refused connection, DNS failure, timeout, catalog missing, not JSON, wrong shape);
- :class:`SiteFileError` (one listed file is missing, truncated, oversized or has an unsafe
  URL): the site works, that file does not.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Name of the machine-readable catalog at the site root.
CATALOG_NAME = "catalog.json"

#: Default seconds to wait on any one network operation.
DEFAULT_TIMEOUT = 20.0

#: Largest catalog accepted; a bigger answer is not a catalog this registry wrote.
MAX_CATALOG_BYTES = 64 * 1024 * 1024

_SHA256 = re.compile(r"[0-9a-f]{64}")
_READ_CHUNK = 64 * 1024


class SiteError(Exception):
    """A site problem, with a one-line message for the user."""


class SiteUnavailable(SiteError):
    """The site or its catalog cannot be used: nothing can be installed or checked."""


class CatalogError(SiteUnavailable):
    """``catalog.json`` is missing, is not JSON, or does not have the catalog's shape."""


class SiteFileError(SiteError):
    """One file listed by the catalog cannot be fetched (missing, truncated, unsafe URL)."""


class UnsafeUrlError(SiteFileError):
    """A catalog URL that could leave the site root (absolute, ``..``, another host)."""


class _RefusedRedirect(SiteUnavailable):
    """A redirect to anything but ``http``/``https``."""


class _SafeRedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows redirects only to ``http`` and ``https`` URLs (urllib alone also allows ``ftp``)."""

    def http_error_302(self, req, fp, code, msg, headers):  # noqa: D102 - urllib API
        location = headers.get("location") or headers.get("uri")
        if location:
            target = urllib.parse.urljoin(req.full_url, location)
            if urllib.parse.urlsplit(target).scheme.lower() not in ("http", "https"):
                raise _RefusedRedirect(
                    f"{req.full_url} redirects to {location!r}; only http(s) redirects are followed"
                )
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _opener() -> urllib.request.OpenerDirector:
    """An opener that speaks only HTTP(S); ``file:``, ``ftp:`` and ``data:`` are not installed."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        _SafeRedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def check_relative_url(relative_url: str) -> str:
    """Return ``relative_url`` if it names a place below the site root, else raise.

    Refused: empty strings, NUL and backslashes, a scheme or host, a leading ``/``, and any
    ``.``/``..`` segment (checked after percent-decoding, since servers decode too).
    """
    if not isinstance(relative_url, str) or not relative_url:
        raise UnsafeUrlError(f"empty or non-string URL {relative_url!r} in the catalog")
    parts = urllib.parse.urlsplit(relative_url)
    decoded = urllib.parse.unquote(parts.path)
    problem = None
    if "\x00" in relative_url or "\\" in relative_url or "\x00" in decoded or "\\" in decoded:
        problem = "contains NUL or a backslash"
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


def check_catalog(data: Any, origin: str) -> dict[str, Any]:
    """Check that ``data`` has the shape install and status rely on; return it.

    Required: an object with a ``chatmodes`` list of objects, each with string ``slug`` and
    ``raw_url`` and a lower-case hex ``sha256``; ``bytes`` (if present) a non-negative
    integer, ``history`` (if present) a list of hex digests, ``transitions`` (if present) a
    list of objects. Slugs must be unique.
    """

    def wrong(what: str) -> CatalogError:
        return CatalogError(f"{origin} is not a chat mode catalog: {what}")

    if not isinstance(data, dict):
        raise wrong("the top level is not an object")
    modes = data.get("chatmodes")
    if not isinstance(modes, list):
        raise wrong("'chatmodes' is not a list")
    seen: set[str] = set()
    for index, entry in enumerate(modes):
        where = f"chatmodes[{index}]"
        if not isinstance(entry, dict):
            raise wrong(f"{where} is not an object")
        slug = entry.get("slug")
        if not isinstance(slug, str) or not slug:
            raise wrong(f"{where}.slug is missing or not a string")
        if slug in seen:
            raise wrong(f"slug {slug!r} appears twice")
        seen.add(slug)
        if not isinstance(entry.get("raw_url"), str):
            raise wrong(f"{where}.raw_url is missing or not a string")
        if not isinstance(entry.get("sha256"), str) or not _SHA256.fullmatch(entry["sha256"]):
            raise wrong(f"{where}.sha256 is not a sha256 hex digest")
        size = entry.get("bytes")
        if size is not None and (type(size) is not int or size < 0):
            raise wrong(f"{where}.bytes is not a non-negative integer")
        history = entry.get("history", [])
        if not isinstance(history, list) or not all(
            isinstance(digest, str) and _SHA256.fullmatch(digest) for digest in history
        ):
            raise wrong(f"{where}.history is not a list of sha256 hex digests")
        transitions = entry.get("transitions", [])
        if not isinstance(transitions, list) or not all(isinstance(t, dict) for t in transitions):
            raise wrong(f"{where}.transitions is not a list of objects")
    return data


def parse_catalog(raw: bytes, origin: str) -> dict[str, Any]:
    """Decode and check a ``catalog.json`` body read from ``origin`` (used in messages)."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise CatalogError(f"{origin} is not JSON ({error.__class__.__name__}: {error})") from None
    return check_catalog(data, origin)


@dataclass
class Site:
    """A catalog site: its checked ``catalog`` and a way to read files below its root.

    ``root`` is the base URL with a trailing slash, or the site folder. ``timeout`` applies to
    every network operation (connect and each read).
    """

    root: str
    catalog: dict[str, Any]
    timeout: float = DEFAULT_TIMEOUT
    is_url: bool = True

    def entries(self) -> dict[str, dict[str, Any]]:
        """The catalog's chat mode entries by slug, in catalog order."""
        return {entry["slug"]: entry for entry in self.catalog["chatmodes"]}

    def fetch(self, relative_url: str, *, limit: int | None = None) -> bytes:
        """The bytes of the file at ``relative_url`` (relative to the site root).

        ``limit``: the most bytes accepted; a longer file raises :class:`SiteFileError`
        instead of being read to the end. Missing files and truncated downloads raise
        :class:`SiteFileError`; network failures raise :class:`SiteUnavailable`.
        """
        check_relative_url(relative_url)
        if self.is_url:
            return _read_url(urllib.parse.urljoin(self.root, relative_url), self.timeout, limit)
        return _read_folder_file(Path(self.root), relative_url, limit)

    def describe(self, relative_url: str) -> str:
        """Where ``relative_url`` points, for messages."""
        if self.is_url:
            return urllib.parse.urljoin(self.root, relative_url)
        return str(Path(self.root) / urllib.parse.unquote(relative_url))


def open_site(location: str, *, timeout: float = DEFAULT_TIMEOUT) -> Site:
    """Open the site at ``location`` and load its catalog.

    ``location`` is an ``http``/``https`` URL of the site root or of its ``catalog.json``, or
    a folder (or the path of its ``catalog.json``). Raises :class:`SiteUnavailable`.
    """
    if not location:
        raise SiteUnavailable("no site given")
    scheme = urllib.parse.urlsplit(location).scheme.lower()
    if scheme in ("http", "https"):
        parts = urllib.parse.urlsplit(location)
        path = parts.path
        if path.endswith("/" + CATALOG_NAME) or path == CATALOG_NAME:
            path = path[: -len(CATALOG_NAME)]
        if not path.endswith("/"):
            path += "/"
        root = urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))
        catalog_url = urllib.parse.urljoin(root, CATALOG_NAME)
        try:
            raw = _read_url(catalog_url, timeout, MAX_CATALOG_BYTES)
        except SiteFileError as error:
            raise CatalogError(str(error)) from None
        return Site(root=root, catalog=parse_catalog(raw, catalog_url), timeout=timeout)
    # A one-letter "scheme" is a Windows drive; anything else with "://" is a URL we do not speak.
    if "://" in location and len(scheme) > 1:
        raise SiteUnavailable(f"unsupported site URL {location!r}: use http://, https:// or a folder")
    folder = Path(location)
    if folder.name == CATALOG_NAME and folder.is_file():
        folder = folder.parent
    if not folder.is_dir():
        raise SiteUnavailable(f"site folder {location} does not exist (or is not a folder)")
    catalog_path = folder / CATALOG_NAME
    try:
        raw = catalog_path.read_bytes()
    except FileNotFoundError:
        raise CatalogError(f"{catalog_path} not found: is {location} a built catalog site?") from None
    except OSError as error:
        raise CatalogError(f"cannot read {catalog_path}: {error.strerror or error}") from None
    return Site(
        root=str(folder), catalog=parse_catalog(raw, str(catalog_path)), timeout=timeout, is_url=False
    )


def _read_url(url: str, timeout: float, limit: int | None) -> bytes:
    """GET ``url`` and return its body, checked against ``Content-Length`` and ``limit``."""
    request = urllib.request.Request(url, headers={"User-Agent": "chatmodes", "Accept-Encoding": "identity"})
    try:
        with _opener().open(request, timeout=timeout) as response:
            expected = response.headers.get("Content-Length")
            body = _read_limited(response, limit, url)
    except SiteError:
        raise
    except urllib.error.HTTPError as error:
        if error.code in (404, 410):
            raise SiteFileError(f"{url}: not found (HTTP {error.code})") from None
        raise SiteUnavailable(f"{url}: HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise SiteUnavailable(f"{url}: {_describe_network_error(error.reason)}") from None
    except (TimeoutError, socket.timeout):
        raise SiteUnavailable(f"{url}: timed out after {timeout:g} s") from None
    except http.client.IncompleteRead as error:
        raise SiteFileError(
            f"{url}: truncated download ({len(error.partial)} bytes received"
            + (f", {error.expected} more expected)" if error.expected else ")")
        ) from None
    except (http.client.HTTPException, ConnectionError, ssl.SSLError, OSError) as error:
        raise SiteUnavailable(f"{url}: {_describe_network_error(error)}") from None
    if expected is not None and expected.strip().isdigit() and int(expected) != len(body):
        raise SiteFileError(
            f"{url}: truncated download ({len(body)} of {int(expected)} bytes received)"
        )
    return body


def _read_limited(response: http.client.HTTPResponse, limit: int | None, url: str) -> bytes:
    """Read a response body in chunks, refusing to read past ``limit`` bytes."""
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = response.read(_READ_CHUNK)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if limit is not None and total > limit:
            raise SiteFileError(f"{url}: more than the {limit} bytes expected")


def _describe_network_error(reason: object) -> str:
    """A short, user-facing description of a low-level network failure."""
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return "timed out"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (is the server running?)"
    if isinstance(reason, socket.gaierror):
        return f"cannot resolve the host name ({reason.strerror or reason})"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error ({reason.reason or reason})"
    if isinstance(reason, ConnectionError):
        return f"connection failed ({reason.strerror or reason.__class__.__name__})"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or reason.__class__.__name__


def _read_folder_file(root: Path, relative_url: str, limit: int | None) -> bytes:
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
            body = handle.read() if limit is None else handle.read(limit + 1)
    except FileNotFoundError:
        raise SiteFileError(f"{path}: not found") from None
    except OSError as error:
        raise SiteFileError(f"{path}: cannot read ({error.strerror or error})") from None
    if limit is not None and len(body) > limit:
        raise SiteFileError(f"{path}: more than the {limit} bytes expected")
    return body
