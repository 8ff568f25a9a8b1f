"""``chatmodes install``: verified, atomic, all-or-nothing installs from a catalog site."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chatmode_registry.cli import main
from chatmode_registry.core.install import install_name, plan_install, resolve_slugs
from chatmode_registry.core.site import (
    CatalogError,
    SiteUnavailable,
    UnsafeUrlError,
    check_relative_url,
    open_site,
)
from sitekit import (
    SEED,
    answer,
    closed_port,
    edit_catalog,
    load_entries,
    snapshot,
    stall,
)


@pytest.fixture
def source(registry_build: tuple[Path, Path]) -> Path:
    """The chat mode tree the site was built from (read only)."""
    return registry_build[0]


def raw_bytes(site: Path, slug: str) -> bytes:
    """The published raw file of ``slug``, as the site serves it."""
    return (site / load_entries(site)[slug]["raw_url"]).read_bytes()


# --- installing ---------------------------------------------------------------------------


def test_install_one_mode_over_http_writes_the_source_bytes(server, source, project, capsys):
    assert main(["install", "planner", "--from", server.url]) == 0
    installed = project / ".github/chatmodes/planner.chatmode.md"
    assert installed.read_bytes() == (source / "planner.chatmode.md").read_bytes()
    assert sorted(snapshot(project)) == [
        ".github",
        ".github/chatmodes",
        ".github/chatmodes/planner.chatmode.md",
    ]
    assert "installed: .github/chatmodes/planner.chatmode.md" in capsys.readouterr().out


def test_agents_go_to_github_agents_and_the_seed_is_byte_identical(server, project):
    assert main(["install", "builder", "backend-engineer", "--from", server.url]) == 0
    assert (project / ".github/agents/builder.agent.md").is_file()
    assert (project / ".github/chatmodes/backend-engineer.chatmode.md").read_bytes() == SEED.read_bytes()


def test_with_transitions_installs_the_direct_targets_only(server, source, project, capsys):
    assert main(["install", "planner", "--from", server.url, "--with-transitions", "--dest", "modes"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "installed: modes/planner.chatmode.md",
        "installed: modes/builder.agent.md (via transitions)",
        "2 installed, 0 skipped as identical, 0 refused as locally modified",
    ]
    # builder's own target (reviewer) is two steps away: not installed.
    assert sorted(path.name for path in (project / "modes").iterdir()) == [
        "builder.agent.md",
        "planner.chatmode.md",
    ]


def test_all_reachable_installs_the_closure_in_breadth_first_order(server, source, project, capsys):
    arguments = ["install", "planner", "--from", server.url, "--with-transitions", "--all-reachable"]
    assert main([*arguments, "--dest", "modes"]) == 0
    out_lines = capsys.readouterr().out.splitlines()
    assert out_lines == [
        "installed: modes/planner.chatmode.md",
        "installed: modes/builder.agent.md (via transitions)",
        "installed: modes/reviewer.agent.md (via transitions)",
        "3 installed, 0 skipped as identical, 0 refused as locally modified",
    ]
    # The built-in target of reviewer adds nothing; the unrelated modes stay out.
    assert sorted(path.name for path in (project / "modes").iterdir()) == [
        "builder.agent.md",
        "planner.chatmode.md",
        "reviewer.agent.md",
    ]
    for relative in ("planner.chatmode.md", "team/builder.agent.md", "team/reviewer.agent.md"):
        assert (project / "modes" / Path(relative).name).read_bytes() == (source / relative).read_bytes()


def test_closure_follows_the_catalog_transitions(site):
    entries = load_entries(site)
    order, problems, _ = resolve_slugs(entries, ["builder", "planner"], with_transitions=True)
    assert problems == []
    assert order == [("builder", True), ("planner", True), ("reviewer", False)]
    order, _, _ = resolve_slugs(entries, ["loner"], with_transitions=True)
    assert order == [("loner", True)]


def test_install_from_a_site_folder_and_from_its_catalog_path(site, source, project):
    assert main(["install", "loner", "--from", str(site)]) == 0
    assert main(["install", "reviewer", "--from", str(site / "catalog.json")]) == 0
    assert (project / ".github/chatmodes/loner.chatmode.md").read_bytes() == (
        source / "loner.chatmode.md"
    ).read_bytes()
    assert (project / ".github/agents/reviewer.agent.md").read_bytes() == (
        source / "team/reviewer.agent.md"
    ).read_bytes()


def test_site_url_may_name_catalog_json(server, project):
    assert main(["install", "loner", "--from", server.url + "catalog.json"]) == 0
    assert (project / ".github/chatmodes/loner.chatmode.md").is_file()


def test_identical_existing_file_is_up_to_date(server, project, capsys):
    assert main(["install", "loner", "--from", server.url]) == 0
    before = snapshot(project)
    capsys.readouterr()
    assert main(["install", "loner", "--from", server.url]) == 0
    assert "up to date: .github/chatmodes/loner.chatmode.md" in capsys.readouterr().out
    assert snapshot(project) == before


def test_written_file_has_no_temporary_leftovers(server, project):
    assert main(["install", "planner", "--with-transitions", "--from", server.url]) == 0
    names = [path.name for path in project.rglob("*")]
    assert not [name for name in names if name.endswith(".tmp")]


# --- local edits ----------------------------------------------------------------------------


def test_local_edit_is_protected_and_named(server, site, project, capsys):
    assert main(["install", "planner", "loner", "--from", server.url]) == 0
    edited = project / ".github/chatmodes/planner.chatmode.md"
    edited.write_bytes(edited.read_bytes() + b"\nMy own note.\n")
    (project / ".github/chatmodes/loner.chatmode.md").unlink()
    before = snapshot(project)
    capsys.readouterr()

    assert main(["install", "planner", "loner", "--from", server.url]) == 1
    err = capsys.readouterr().err
    assert ".github/chatmodes/planner.chatmode.md" in err
    assert "--force" in err
    # All or nothing: loner, which could have been written, was not.
    assert snapshot(project) == before


def test_force_overwrites_a_local_edit(server, site, project, capsys):
    assert main(["install", "planner", "--from", server.url]) == 0
    edited = project / ".github/chatmodes/planner.chatmode.md"
    edited.write_text("mine", encoding="utf-8")
    assert main(["install", "planner", "--from", server.url, "--force"]) == 0
    assert edited.read_bytes() == raw_bytes(site, "planner")
    assert "updated: .github/chatmodes/planner.chatmode.md" in capsys.readouterr().out


# --- verification -----------------------------------------------------------------------------


def test_tampered_file_with_the_same_size_is_refused(server, site, project, capsys):
    raw = site / load_entries(site)["builder"]["raw_url"]
    content = raw.read_bytes()
    raw.write_bytes(content.replace(b"Write the code", b"Wipe the disks"))
    assert len(raw.read_bytes()) == len(content)

    assert main(["install", "planner", "--with-transitions", "--from", server.url]) == 1
    err = capsys.readouterr().err
    assert "sha256" in err and "builder" in err
    assert snapshot(project) == {}


def test_tampered_file_with_another_size_is_refused(site, project, capsys):
    raw = site / load_entries(site)["loner"]["raw_url"]
    raw.write_bytes(raw.read_bytes() + b"<script>alert(1)</script>\n")
    assert main(["install", "loner", "--from", str(site)]) == 1
    assert "loner" in capsys.readouterr().err
    assert snapshot(project) == {}


def test_tampered_file_does_not_replace_an_existing_install(server, site, project):
    assert main(["install", "loner", "--from", server.url]) == 0
    before = snapshot(project)
    raw = site / load_entries(site)["loner"]["raw_url"]
    raw.write_bytes(raw.read_bytes().replace(b"alone", b"ALONE"))
    assert main(["install", "loner", "--from", server.url, "--force"]) == 1
    assert snapshot(project) == before


def test_unknown_slug_suggests_close_matches(server, project, capsys):
    assert main(["install", "planer", "--from", server.url]) == 1
    err = capsys.readouterr().err
    assert "'planer'" in err and "planner" in err
    assert snapshot(project) == {}


def test_unknown_slug_next_to_a_good_one_writes_nothing(server, project):
    assert main(["install", "loner", "no-such-mode", "--from", server.url]) == 1
    assert snapshot(project) == {}


def test_a_name_is_accepted_when_it_slugifies_to_a_slug(server, project):
    assert main(["install", "Backend Engineer", "--from", server.url]) == 0
    assert (project / ".github/chatmodes/backend-engineer.chatmode.md").is_file()


# --- hostile catalogs -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw_url",
    [
        "../x.chatmode.md",
        "catalog/loner/../../../loner.chatmode.md",
        "catalog/loner/%2e%2e/%2e%2e/loner.chatmode.md",
        "/etc/loner.chatmode.md",
        "http://evil.example/loner.chatmode.md",
        "//evil.example/loner.chatmode.md",
        "catalog/loner/loner.chatmode.md%00.txt",
    ],
)
def test_hostile_raw_url_is_refused(server, site, project, tmp_path, raw_url, capsys):
    def point_loner_elsewhere(document):
        for entry in document["chatmodes"]:
            if entry["slug"] == "loner":
                entry["raw_url"] = raw_url

    edit_catalog(site, point_loner_elsewhere)
    outside_before = sorted(path.name for path in tmp_path.iterdir())
    assert main(["install", "loner", "--from", server.url]) == 1
    assert "refusing" in capsys.readouterr().err
    assert snapshot(project) == {}
    assert sorted(path.name for path in tmp_path.iterdir()) == outside_before
    # Nothing was requested outside the catalog itself.
    assert server.requests == ["/catalog.json"]


@pytest.mark.parametrize(
    ("slug", "raw_url"),
    [
        ("loner", "catalog/loner/other.chatmode.md"),
        ("loner", "catalog/loner/loner.md"),
        ("../loner", "catalog/loner/..%2Floner.chatmode.md"),
        ("Loner", "catalog/loner/Loner.chatmode.md"),
        ("loner", "catalog/loner/"),
    ],
)
def test_install_name_must_be_slug_and_suffix(slug, raw_url):
    with pytest.raises(UnsafeUrlError):
        install_name({"slug": slug, "raw_url": raw_url})


def test_install_name_is_the_last_segment():
    assert install_name({"slug": "a-b", "raw_url": "catalog/a-b/a-b.agent.md"}) == "a-b.agent.md"


@pytest.mark.parametrize("url", ["..", "a/../b", "%2e%2e/b", "/a", "a\\b", "http://x/a", "a?b=1", ""])
def test_check_relative_url_refuses_escapes(url):
    with pytest.raises(UnsafeUrlError):
        check_relative_url(url)


def test_redirect_to_a_file_url_is_not_followed(server, project, capsys):
    server.overrides["/catalog.json"] = answer(302, b"", headers={"Location": "file:///etc/passwd"})
    assert main(["install", "loner", "--from", server.url]) == 2
    assert "redirect" in capsys.readouterr().err
    assert snapshot(project) == {}


def test_redirect_to_an_ftp_url_is_not_followed(server, project, capsys):
    server.overrides["/catalog.json"] = answer(302, b"", headers={"Location": "ftp://127.0.0.1/catalog.json"})
    assert main(["install", "loner", "--from", server.url]) == 2
    assert "only http(s)" in capsys.readouterr().err


def test_http_redirect_within_the_site_is_followed(server, project):
    server.overrides["/old/catalog.json"] = answer(
        301, b"", headers={"Location": server.url + "catalog.json"}
    )
    site = open_site(server.url + "old/catalog.json", timeout=5)
    assert "loner" in site.entries()


# --- network and catalog failures ---------------------------------------------------------------


def test_refused_connection_exits_2(project, capsys):
    url = f"http://127.0.0.1:{closed_port()}/"
    assert main(["install", "loner", "--from", url]) == 2
    err = capsys.readouterr().err.strip()
    assert "connection refused" in err and len(err.splitlines()) == 1
    assert snapshot(project) == {}


def test_missing_catalog_exits_2(server, site, project, capsys):
    (site / "catalog.json").unlink()
    assert main(["install", "loner", "--from", server.url]) == 2
    assert "404" in capsys.readouterr().err
    assert snapshot(project) == {}


def test_missing_catalog_in_a_folder_exits_2(tmp_path, project, capsys):
    empty = tmp_path / "empty-site"
    empty.mkdir()
    assert main(["install", "loner", "--from", str(empty)]) == 2
    assert "catalog.json" in capsys.readouterr().err


def test_non_json_catalog_exits_2(server, project, capsys):
    server.overrides["/catalog.json"] = answer(200, b"<!doctype html><title>Not found</title>")
    assert main(["install", "loner", "--from", server.url]) == 2
    assert "not JSON" in capsys.readouterr().err
    assert snapshot(project) == {}


@pytest.mark.parametrize(
    "document",
    [
        [],
        {"chatmodes": {}},
        {"chatmodes": [{"slug": "x"}]},
        {"chatmodes": [{"slug": "x", "raw_url": "x.agent.md", "sha256": "abc"}]},
    ],
)
def test_catalog_of_the_wrong_shape_exits_2(server, project, capsys, document):
    server.overrides["/catalog.json"] = answer(200, json.dumps(document).encode())
    assert main(["install", "x", "--from", server.url]) == 2
    assert "not a chat mode catalog" in capsys.readouterr().err


def test_missing_raw_file_exits_1_and_writes_nothing(server, site, project, capsys):
    (site / load_entries(site)["builder"]["raw_url"]).unlink()
    assert main(["install", "planner", "--with-transitions", "--from", server.url]) == 1
    assert "not found" in capsys.readouterr().err
    assert snapshot(project) == {}


def test_truncated_download_is_refused(server, site, project, capsys):
    entry = load_entries(site)["planner"]
    content = raw_bytes(site, "planner")
    server.overrides["/" + entry["raw_url"]] = answer(200, content[:20], content_length=len(content))
    assert main(["install", "planner", "--from", server.url]) == 1
    assert "truncated" in capsys.readouterr().err
    assert snapshot(project) == {}


def test_oversized_download_is_cut_off(server, site, project, capsys):
    entry = load_entries(site)["planner"]
    server.overrides["/" + entry["raw_url"]] = answer(200, b"x" * (entry["bytes"] + 4096))
    assert main(["install", "planner", "--from", server.url]) == 1
    assert "more than" in capsys.readouterr().err
    assert snapshot(project) == {}


def test_catalog_timeout_exits_2(server, project, capsys):
    server.overrides["/catalog.json"] = stall(server)
    assert main(["install", "loner", "--from", server.url, "--timeout", "0.2"]) == 2
    assert "timed out" in capsys.readouterr().err
    assert snapshot(project) == {}


def test_raw_file_timeout_exits_2_and_writes_nothing(server, site, project, capsys):
    entry = load_entries(site)["reviewer"]
    server.overrides["/" + entry["raw_url"]] = stall(server)
    assert (
        main(
            [
                "install",
                "planner",
                "--with-transitions",
                "--all-reachable",
                "--from",
                server.url,
                "--timeout",
                "0.2",
            ]
        )
        == 2
    )
    assert "timed out" in capsys.readouterr().err
    assert snapshot(project) == {}


def test_unsupported_scheme_and_missing_folder_exit_2(tmp_path, project, capsys):
    assert main(["install", "x", "--from", "ftp://example.org/site/"]) == 2
    assert main(["install", "x", "--from", str(tmp_path / "nowhere")]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 2


def test_usage_errors_exit_2(project, monkeypatch, capsys):
    monkeypatch.delenv("CHATMODES_FROM", raising=False)
    (project / ".git").mkdir()  # no .chatmodes.toml above the project is read
    assert main(["install", "loner"]) == 2  # no --from and no default site
    assert "no site: give --from SITE" in capsys.readouterr().err
    with pytest.raises(SystemExit) as bad_timeout:
        main(["install", "loner", "--from", ".", "--timeout", "0"])
    assert bad_timeout.value.code == 2


# --- the core API ------------------------------------------------------------------------------


def test_plan_writes_nothing_and_reports_actions(site, project):
    opened = open_site(str(site), timeout=5)
    plan = plan_install(opened, ["planner"], dest=Path("out"), with_transitions=True, depth=2)
    assert [(planned.slug, planned.action) for planned in plan.files] == [
        ("planner", "create"),
        ("builder", "create"),
        ("reviewer", "create"),
    ]
    assert plan.problems == []
    assert snapshot(project) == {}


def test_open_site_errors_are_site_errors(tmp_path):
    (tmp_path / "catalog.json").write_text("{", encoding="utf-8")
    with pytest.raises(CatalogError):
        open_site(str(tmp_path), timeout=5)
    with pytest.raises(SiteUnavailable):
        open_site("gopher://example.org/", timeout=5)


def test_unknown_host_exits_2_with_one_line(project, monkeypatch, capsys):
    import socket

    def no_such_host(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    # The sandbox has no DNS to ask; a resolver that fails is what a typo in the host gives.
    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    assert main(["install", "loner", "--from", "https://registry.invalid/"]) == 2
    err = capsys.readouterr().err.strip()
    assert "cannot resolve the host name" in err and len(err.splitlines()) == 1
    assert snapshot(project) == {}


def test_ctrl_c_while_files_move_into_place_leaves_no_half_install(site, project, monkeypatch):
    import os
    import signal

    from chatmode_registry.core import install as install_module

    plan = plan_install(open_site(str(site), timeout=5), ["planner", "loner", "reviewer"])
    moves: list[str] = []
    real_replace = os.replace

    def replace_then_interrupt(source, destination):
        real_replace(source, destination)
        moves.append(str(destination))
        if len(moves) == 1:  # Ctrl-C right after the first file is in place
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(install_module.os, "replace", replace_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        install_module.apply(plan)
    # The interrupt arrived only once every staged file was in place.
    assert len(moves) == 3
    assert sorted(snapshot(project)) == [
        ".github",
        ".github/agents",
        ".github/agents/reviewer.agent.md",
        ".github/chatmodes",
        ".github/chatmodes/loner.chatmode.md",
        ".github/chatmodes/planner.chatmode.md",
    ]
