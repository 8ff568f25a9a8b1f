"""Absolute URLs: where the published site lives, VS Code install links and edit links.

Everything else on the catalog pages is linked relatively (the site works from any folder
and from ``file://``); these few links leave the site, so they need ``site_url``.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from urllib.parse import quote, urljoin

#: Set by ``mike deploy`` while it builds one version of the site.
MIKE_VERSION_VARIABLE = "MIKE_DOCS_VERSION"


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
