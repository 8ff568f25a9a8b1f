"""Absolute URLs: where the published site lives, VS Code install links and edit links.

Everything else on the catalog pages is linked relatively (the site works from any folder
and from ``file://``); these few links leave the site, so they need ``site_url``.
"""

from __future__ import annotations

import ipaddress
import os
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from chatmode_registry.render.body import RepoPlace

#: Set by ``mike deploy`` while it builds one version of the site.
MIKE_VERSION_VARIABLE = "MIKE_DOCS_VERSION"

#: Set by CI services (GitHub Actions among them): a build there is made to be published.
CI_VARIABLE = "CI"

#: Set to 1 to deploy with a ``site_url`` on this machine on purpose (``mike serve`` previews).
LOCAL_SITE_URL_VARIABLE = "CHATMODES_LOCAL_SITE_URL"

_FALSE = ("", "0", "false", "no", "off")


def building_under_mike(environ: Mapping[str, str] | None = None) -> bool:
    """True while ``mike deploy`` builds a version (or a build says it is one: previews)."""
    return bool((os.environ if environ is None else environ).get(MIKE_VERSION_VARIABLE, "").strip())


def deployment_reason(command: str | None, environ: Mapping[str, str] | None = None) -> str | None:
    """Why this build is made to be published, or ``None`` for a local one.

    ``command`` is the MkDocs command (``serve``, ``build``, ``gh-deploy``; ``None`` when the
    build runs through the API). ``mkdocs serve`` is always local; ``gh-deploy``, a build under
    ``mike deploy`` (``MIKE_DOCS_VERSION`` set) and any build with ``CI`` set are deployments.
    """
    environ = os.environ if environ is None else environ
    if command == "serve":
        return None
    if command == "gh-deploy":
        return "`mkdocs gh-deploy` publishes it"
    if building_under_mike(environ):
        return f"`mike deploy` builds it ({MIKE_VERSION_VARIABLE} is set)"
    if environ.get(CI_VARIABLE, "").strip().lower() not in _FALSE:
        return f"it runs in CI ({CI_VARIABLE} is set)"
    return None


def unpublishable_site_url(site_url: str | None) -> str | None:
    """What makes ``site_url`` unfit for a published site, or ``None`` when it is fit.

    Unfit: missing, not an absolute ``http(s)`` URL, or naming this machine (``localhost``,
    a loopback or unspecified address), which is what ``mkdocs serve`` uses and what no reader
    of the published site can reach.
    """
    if not site_url:
        return "is not set"
    parts = urlsplit(site_url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return f"is {site_url!r}, not an absolute http(s) address"
    if host == "localhost" or host.endswith(".localhost"):
        return f"is {site_url!r}, an address on this machine"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if address.is_loopback or address.is_unspecified:
        return f"is {site_url!r}, an address on this machine"
    return None


def site_url_error(
    command: str | None, site_url: str | None, environ: Mapping[str, str] | None = None
) -> str | None:
    """The message that stops a deployment build whose ``site_url`` is missing or local.

    ``None`` when the build is local (see :func:`deployment_reason`), when ``site_url`` is fit,
    or when ``CHATMODES_LOCAL_SITE_URL`` is set to deploy to this machine on purpose.
    """
    environ = os.environ if environ is None else environ
    reason = deployment_reason(command, environ)
    problem = unpublishable_site_url(site_url)
    if reason is None or problem is None:
        return None
    if environ.get(LOCAL_SITE_URL_VARIABLE, "").strip().lower() not in _FALSE:
        return None
    return (
        f"chatmodes: this build is for deployment ({reason}), but site_url {problem}: every "
        "install link and every raw_url in catalog.json would lead there instead of to the "
        "published site. Set site_url in mkdocs.yml to the address the site is published at, "
        "for example https://OWNER.github.io/REPO/ (with `site_url: !ENV [SITE_URL, ...]`, as "
        "in the registry's mkdocs.yml, set the SITE_URL environment variable; the publish "
        "workflow takes it from GitHub Pages). For a local build, leave CI unset; to deploy "
        f"to this machine on purpose, set {LOCAL_SITE_URL_VARIABLE}=1."
    )


def published_base(site_url: str | None, environ: dict[str, str] | None = None) -> str | None:
    """The absolute URL of the site root this build is published at, ending in ``/``.

    ``site_url`` as configured; under mike (``MIKE_DOCS_VERSION`` set) the version's folder
    inside it, because mike publishes each version in ``<site_url>/<version>/``. ``None``
    when no ``site_url`` is configured.

    Call this with the ``site_url`` as the user wrote it: mike's own plugin later rewrites
    ``site_url`` to ``<site_url><version>`` (without a trailing slash).
    """
    if not site_url:
        return None
    base = site_url if site_url.endswith("/") else site_url + "/"
    version = (environ if environ is not None else os.environ).get(MIKE_VERSION_VARIABLE, "")
    if version.strip():
        base += quote(version.strip(), safe="") + "/"
    return base


@dataclass(frozen=True)
class InstallLinks:
    """The two "install in VS Code" links of one chat mode."""

    stable: str
    """Opens VS Code (through ``vscode.dev/redirect``) and offers to install the file."""

    insiders: str
    """The same for VS Code Insiders."""


def install_links(base: str, raw_url: str, *, agent: bool) -> InstallLinks:
    """VS Code's install links for the raw file at ``base + raw_url``.

    The form is VS Code's own: ``vscode:chat-mode/install?url=<absolute raw URL>`` (or
    ``chat-agent`` for ``.agent.md`` files), percent-encoded as a whole and handed to
    ``https://vscode.dev/redirect?url=``; Insiders uses ``vscode-insiders:`` and
    ``insiders.vscode.dev``. ``raw_url`` is relative to the site root and already
    percent-encoded.
    """
    target = urljoin(base, raw_url)
    kind = "chat-agent" if agent else "chat-mode"
    stable = f"vscode:{kind}/install?url={target}"
    insiders = f"vscode-insiders:{kind}/install?url={target}"
    return InstallLinks(
        stable="https://vscode.dev/redirect?url=" + quote(stable, safe=""),
        insiders="https://insiders.vscode.dev/redirect?url=" + quote(insiders, safe=""),
    )


def edit_link(
    *,
    repo_url: str | None,
    edit_uri: str | None,
    edit_uri_template: str | None,
    docs_dir: str,
    source_file: str,
) -> str | None:
    """The "edit this file" URL of a chat mode source, as MkDocs builds them for pages.

    MkDocs' ``edit_uri`` points at the docs folder in the repository (``edit/main/docs/``);
    the chat modes usually live next to it, so the file's path is taken relative to
    ``docs_dir`` (``../chatmodes/x.chatmode.md``) and resolved against that URL. ``None``
    without ``repo_url`` or without an ``edit_uri``/``edit_uri_template``.
    """
    if not repo_url or not (edit_uri or edit_uri_template):
        return None
    relative = posixpath.normpath(os.path.relpath(source_file, docs_dir).replace(os.sep, "/"))
    root = repo_url if repo_url.endswith("/") else repo_url + "/"
    if edit_uri_template:
        # The template names a file below the docs folder; the ``../`` parts of the path
        # are resolved by ``urljoin`` (RFC 3986 dot segments), as for a plain ``edit_uri``.
        stem = relative.rsplit(".", 1)[0]
        return urljoin(root, edit_uri_template.format(path=quote(relative), path_noext=quote(stem)))
    assert edit_uri is not None  # checked above: one of the two is set
    base = urljoin(root, edit_uri if edit_uri.endswith("/") else edit_uri + "/")
    return urljoin(base, quote(relative))


#: How a host's web interface shows a file and serves its bytes, by the first segments of
#: MkDocs' ``edit_uri`` (``edit/main/docs/`` on GitHub, ``-/edit/main/docs/`` on GitLab,
#: ``src/main/docs/`` on Bitbucket): ``(segments, view, raw)``.
_HOST_FORMS = (
    (("-", "edit"), "-/blob", "-/raw"),
    (("-", "blob"), "-/blob", "-/raw"),
    (("edit",), "blob", "raw"),
    (("blob",), "blob", "raw"),
    (("src",), "src", "raw"),
)

#: Hosts whose file URLs are known without an ``edit_uri`` (``blob/HEAD/<path>``).
_KNOWN_HOSTS = frozenset({"github.com", "gitlab.com"})


def repo_place(
    *,
    repo_url: str | None,
    edit_uri: str | None,
    docs_dir: str,
    config_dir: str,
    source_file: str,
) -> RepoPlace | None:
    """Where ``source_file`` lives in the site's repository, for the links in its body.

    The revision and the docs folder's place in the repository come from ``edit_uri``, as
    MkDocs' own edit links do (``edit/main/docs/``: branch ``main``, docs in ``docs/``).
    Without a usable ``edit_uri``, on GitHub and GitLab, the revision is ``HEAD`` and
    ``mkdocs.yml`` is taken to sit at the repository's root. ``None`` without ``repo_url``,
    for other hosts without ``edit_uri``, and for a file outside the repository: its
    relative links are then shown as text (never as broken links).
    """
    if not repo_url or urlsplit(repo_url).scheme not in ("http", "https"):
        return None
    root = repo_url if repo_url.endswith("/") else repo_url + "/"
    uri = edit_uri or ""
    if uri.startswith(root):
        uri = uri[len(root) :]
    segments = [segment for segment in uri.split("/") if segment] if "://" not in uri else []
    form = next(
        (
            (view, raw, len(prefix))
            for prefix, view, raw in _HOST_FORMS
            if tuple(segments[: len(prefix)]) == prefix and len(segments) > len(prefix)
        ),
        None,
    )
    if form is not None:
        view, raw, skip = form
        revision = segments[skip]
        docs_path = "/".join(segments[skip + 1 :])
        relative = os.path.relpath(source_file, docs_dir).replace(os.sep, "/")
    else:
        if urlsplit(repo_url).hostname not in _KNOWN_HOSTS:
            return None
        view, raw, revision, docs_path = "blob", "raw", "HEAD", ""
        relative = os.path.relpath(source_file, config_dir).replace(os.sep, "/")
    path = posixpath.normpath(posixpath.join(docs_path, relative))
    if path == ".." or path.startswith("../") or path.startswith("/"):
        return None
    revision = quote(revision, safe="")
    return RepoPlace(view=f"{root}{view}/{revision}/", raw=f"{root}{raw}/{revision}/", path=path)
