"""Pull request previews on the gh-pages branch, as hidden mike versions ``pr-<N>``.

Run by the trusted workflows (``preview-publish.yml``, ``preview-cleanup.yml``) from the default
branch, never from a pull request: it only copies files and edits JSON, so the preview build
(untrusted code, run without secrets in ``preview.yml``) is published without running it.
Standard library only, so the trusted job installs nothing from the pull request.

    preview_pages.py publish --pages DIR --number N --site SITE   # copy SITE to DIR/pr-N/
    preview_pages.py remove  --pages DIR --number N               # delete DIR/pr-N/
    preview_pages.py comment --site SITE --base URL --number N    # the PR comment, on stdout

``DIR`` is a work tree of the gh-pages branch. ``versions.json`` there is mike's list of
versions (``{"version", "title", "aliases", "properties"}``); a preview is listed with
``"properties": {"hidden": true}``, which Material's version selector leaves out, and mike keeps
such entries untouched when it deploys a release.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import stat
import sys
from pathlib import Path

#: The hidden marker the comment starts with: later runs update that comment.
MARKER = "<!-- chatmodes-preview -->"

#: What a catalog slug looks like (see the contract); anything else in the untrusted
#: ``changes.json`` is not linked.
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
FIELD = re.compile(r"[a-z][a-z0-9_-]{0,40}")

#: At most this many modes are linked in one comment; the changes page lists them all.
MAX_LINKED = 50

#: A preview larger than this is refused (GitHub Pages sites are limited to 1 GB).
MAX_SITE_BYTES = 200 * 1024 * 1024


def version_name(number: int) -> str:
    """The mike version of pull request ``number``."""
    return f"pr-{number}"


def pull_request_number(text: str) -> int:
    """``text`` as a pull request number; ``ValueError`` unless it is one."""
    if not re.fullmatch(r"[1-9][0-9]{0,9}", text.strip()):
        raise ValueError(f"not a pull request number: {text.strip()[:40]!r}")
    return int(text)


def read_versions(pages: Path) -> list[dict]:
    """mike's ``versions.json`` of the gh-pages work tree (empty when there is none yet)."""
    path = pages / "versions.json"
    if not path.exists():
        return []
    versions = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(versions, list):
        raise ValueError("versions.json is not a list")
    return versions


def write_versions(pages: Path, versions: list[dict]) -> None:
    """Write ``versions.json`` as mike does (one JSON list)."""
    (pages / "versions.json").write_text(json.dumps(versions) + "\n", encoding="utf-8")


#: Names git gives a meaning of its own inside a work tree. A ``.git`` folder or file turns the
#: preview into a nested repository that ``git add --all`` records as a gitlink (a submodule
#: with no ``.gitmodules``), which breaks every later Pages deployment; the others change
#: what git stores. Compared after :func:`git_name`, as git's own ``verify_path`` does.
GIT_NAMES = frozenset({".git", ".gitignore", ".gitattributes", ".gitmodules"})

#: Code points HFS+ ignores in file names (git's ``is_hfs_dotgit`` skips them too), so that
#: ``.g\u200cit`` is ``.git`` on a Mac.
_HFS_IGNORED = dict.fromkeys(
    [0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, *range(0x206A, 0x2070), 0xFEFF]
)


def git_name(name: str) -> str:
    """``name`` as a case-insensitive file system may see it: case folded, HFS-ignored code
    points dropped, an NTFS stream suffix (``.git::$INDEX_ALLOCATION``) and trailing dots and
    spaces cut, and NTFS's short name ``git~1``."""
    folded = name.translate(_HFS_IGNORED).casefold().split(":", 1)[0].rstrip(". ")
    return ".git" if folded == "git~1" else folded


def site_problem(site: Path) -> str | None:
    """Why the untrusted ``site`` cannot be copied into the gh-pages work tree, or ``None``.

    Only what git stores as a plain file or a folder is accepted: no symbolic link (it could
    point at the runner's files), socket, FIFO or device, and no entry that git reads as its
    own (:data:`GIT_NAMES`, in any case or spelling a file system folds to it), at any depth.
    """
    for folder, subfolders, files in os.walk(site):
        for name in sorted(subfolders + files):
            entry = Path(folder) / name
            relative = entry.relative_to(site).as_posix()
            if git_name(name) in GIT_NAMES:
                return f"the preview contains {relative!r}, which git would read as its own, not as a file"
            mode = entry.lstat().st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                return f"the preview contains a link or special file: {relative}"
    return None


def copy_site(site: Path, destination: Path) -> int:
    """Copy the regular files and folders of ``site`` into ``destination``; returns the byte count.

    The build is untrusted: anything :func:`site_problem` refuses stops the copy before a
    byte is written, and so does a site over ``MAX_SITE_BYTES``.
    """
    problem = site_problem(site)
    if problem:
        raise ValueError(problem)
    entries = sorted(site.rglob("*"))
    total = sum(entry.lstat().st_size for entry in entries if entry.is_file())
    if total > MAX_SITE_BYTES:
        raise ValueError(f"the preview is {total} bytes, over the {MAX_SITE_BYTES} byte limit")
    destination.mkdir(parents=True)
    for entry in entries:
        target = destination / entry.relative_to(site)
        if entry.is_dir():
            target.mkdir(exist_ok=True)
        else:
            shutil.copyfile(entry, target)
    return total


def publish(pages: Path, site: Path, number: int) -> None:
    """Put the preview ``site`` at ``pages/pr-N/`` and list it as a hidden version."""
    if not (site / "index.html").is_file():
        raise ValueError(f"{site} is not a built site (no index.html)")
    name = version_name(number)
    folder = pages / name
    if folder.exists():
        shutil.rmtree(folder)
    copy_site(site, folder)
    versions = [entry for entry in read_versions(pages) if entry.get("version") != name]
    versions.append(
        {"version": name, "title": f"PR #{number}", "aliases": [], "properties": {"hidden": True}}
    )
    write_versions(pages, versions)
    # GitHub Pages would otherwise run Jekyll, which drops files and folders starting with "_".
    (pages / ".nojekyll").touch()


def remove(pages: Path, number: int) -> bool:
    """Remove the preview of pull request ``number``; True when there was one."""
    name = version_name(number)
    folder = pages / name
    existed = folder.exists()
    if existed:
        shutil.rmtree(folder)
    versions = read_versions(pages)
    kept = [entry for entry in versions if entry.get("version") != name]
    if len(kept) != len(versions):
        write_versions(pages, kept)
        existed = True
    return existed


def _slugs(values: object) -> list[str]:
    return (
        [value for value in values if isinstance(value, str) and SLUG.fullmatch(value)]
        if isinstance(values, list)
        else []
    )


def catalog_folder(site: Path) -> str:
    """The catalog's URL folder in the build (the plugin's ``prefix``), ``catalog/`` by default.

    Read from a chat mode's ``url`` in the untrusted ``catalog.json``, and used only when it is
    a plain relative folder path.
    """
    try:
        document = json.loads((site / "catalog.json").read_text(encoding="utf-8"))
        entry = document["chatmodes"][0]
        url, slug = str(entry["url"]), str(entry["slug"])
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return "catalog/"
    if not (SLUG.fullmatch(slug) and url.endswith(f"/{slug}/")):
        return "catalog/"
    folder = url[: len(url) - len(slug) - 1]
    return folder if re.fullmatch(r"(?:[A-Za-z0-9_-]+/){1,4}", folder) else "catalog/"


def comment(site: Path, base: str, number: int) -> str:
    """The pull request comment: the preview's address, its changes page first, then each mode.

    ``changes.json`` comes from the untrusted build: only well-formed slugs and field names
    are used, each as plain text or in a link below the preview's own address.
    """
    preview = f"{base.rstrip('/')}/{version_name(number)}/"
    catalog = preview + catalog_folder(site)
    lines = [MARKER, "## Preview of this pull request", ""]
    changes_path = site / "changes.json"
    changes: dict = {}
    if changes_path.is_file():
        try:
            loaded = json.loads(changes_path.read_text(encoding="utf-8"))
            changes = loaded if isinstance(loaded, dict) else {}
        except (ValueError, UnicodeDecodeError):
            changes = {}
    if changes:
        lines.append(
            f"**[What this pull request changes]({catalog}changes/)** · [the whole catalog]({catalog})"
        )
    else:
        lines.append(
            f"**[The catalog as this pull request builds it]({catalog})** (no published catalog to compare with yet)"
        )
    lines.append("")
    added = _slugs(changes.get("added"))
    removed = _slugs(changes.get("removed"))
    changed: list[tuple[str, list[str]]] = []
    for item in changes.get("changed", []) if isinstance(changes.get("changed"), list) else []:
        if isinstance(item, dict) and isinstance(item.get("slug"), str) and SLUG.fullmatch(item["slug"]):
            fields = [f for f in item.get("fields", []) if isinstance(f, str) and FIELD.fullmatch(f)]
            changed.append((item["slug"], fields))
    linked = 0
    for title, entries in (("Changed", changed), ("Added", [(slug, []) for slug in added])):
        if not entries:
            continue
        lines.append(f"### {title}")
        lines.append("")
        for slug, fields in entries:
            if linked >= MAX_LINKED:
                lines.append("- … and more: see the changes page")
                break
            detail = f" ({', '.join(fields)})" if fields else ""
            lines.append(f"- [`{slug}`]({catalog}{slug}/){detail}")
            linked += 1
        lines.append("")
    if removed:
        lines.append("### Removed")
        lines.append("")
        lines.extend(f"- `{slug}`" for slug in removed[:MAX_LINKED])
        lines.append("")
    lines.append(
        f"Install links in this preview point at `{preview}`; it is removed when the pull request closes."
    )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command line entry; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["publish", "remove", "comment"])
    parser.add_argument("--pages", type=Path, help="work tree of the gh-pages branch")
    parser.add_argument("--site", type=Path, help="the preview build (a site folder)")
    parser.add_argument("--base", help="the Pages site's address")
    parser.add_argument("--number", required=True, help="the pull request number")
    options = parser.parse_args(argv)
    try:
        number = pull_request_number(options.number)
        if options.action == "publish":
            if options.pages is None or options.site is None:
                parser.error("publish needs --pages and --site")
            publish(options.pages, options.site, number)
            print(f"published the preview of #{number} as {version_name(number)}/ (hidden)")
        elif options.action == "remove":
            if options.pages is None:
                parser.error("remove needs --pages")
            found = remove(options.pages, number)
            print(f"removed {version_name(number)}/" if found else f"no preview of #{number} to remove")
        else:
            if options.site is None or not options.base:
                parser.error("comment needs --site and --base")
            sys.stdout.write(comment(options.site, options.base, number))
    except (ValueError, OSError) as error:
        print(f"preview_pages.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
