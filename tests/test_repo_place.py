"""Where a chat mode lives in its repository, for the relative links of its body."""

from __future__ import annotations

from chatmode_registry.mkdocs.links import repo_place
from chatmode_registry.render.body import RepoPlace


def place(repo_url: str | None, edit_uri: str | None, source: str = "/r/chatmodes/team/x.chatmode.md"):
    return repo_place(
        repo_url=repo_url, edit_uri=edit_uri, docs_dir="/r/docs", config_dir="/r", source_file=source
    )


def test_github_gitlab_and_bitbucket_forms_follow_edit_uri() -> None:
    assert place("https://github.com/o/r", "edit/main/docs/") == RepoPlace(
        "https://github.com/o/r/blob/main/",
        "https://github.com/o/r/raw/main/",
        "chatmodes/team/x.chatmode.md",
    )
    assert place("https://gitlab.com/g/p/", "-/edit/dev/site/docs/") == RepoPlace(
        "https://gitlab.com/g/p/-/blob/dev/",
        "https://gitlab.com/g/p/-/raw/dev/",
        "site/chatmodes/team/x.chatmode.md",
    )
    assert place("https://bitbucket.org/o/r", "src/default/docs/") == RepoPlace(
        "https://bitbucket.org/o/r/src/default/",
        "https://bitbucket.org/o/r/raw/default/",
        "chatmodes/team/x.chatmode.md",
    )
    # edit_uri given as a full URL inside the repository
    assert (
        place("https://github.com/o/r", "https://github.com/o/r/blob/v2/docs/").view
        == "https://github.com/o/r/blob/v2/"
    )


def test_without_a_usable_edit_uri() -> None:
    # Known hosts: HEAD, mkdocs.yml at the repository's root.
    assert place("https://github.com/o/r", "") == RepoPlace(
        "https://github.com/o/r/blob/HEAD/",
        "https://github.com/o/r/raw/HEAD/",
        "chatmodes/team/x.chatmode.md",
    )
    # Other hosts, no repo_url, a non-web repo_url, a file outside the repository: no place.
    assert place("https://git.example.org/o/r", "") is None
    assert place("https://git.example.org/o/r", "view/{path}") is None
    assert place(None, "edit/main/docs/") is None
    assert place("ssh://git@github.com/o/r", "edit/main/docs/") is None
    assert place("https://github.com/o/r", "edit/main/", source="/elsewhere/x.chatmode.md") is None
