"""The registry's marketplace identity (core/marketplace.py) and its place in catalog.json."""

from __future__ import annotations

import json

import pytest

from chatmode_registry.core.marketplace import MarketplaceRef, github_repository, marketplace_ref
from chatmode_registry.core.record import catalog_problem


@pytest.mark.parametrize(
    ("repo_url", "expected"),
    [
        ("https://github.com/octo-org/team-agents", "octo-org/team-agents"),
        ("https://github.com/octo-org/team-agents.git", "octo-org/team-agents"),
        ("https://github.com/octo-org/team-agents/", "octo-org/team-agents"),
        ("https://gitlab.com/octo-org/team-agents", None),
        ("https://github.com/octo-org", None),
        ("https://github.com/octo-org/team-agents/tree/main", None),
        (None, None),
    ],
)
def test_github_repository(repo_url: str | None, expected: str | None) -> None:
    assert github_repository(repo_url) == expected


def test_defaults_come_from_repo_url_then_site_name() -> None:
    ref = marketplace_ref(
        name=None, source=None, repo_url="https://github.com/Octo/Team_Agents", site_name="X"
    )
    assert ref == MarketplaceRef(name="team-agents", source="Octo/Team_Agents")
    assert ref.add_command() == "copilot plugin marketplace add Octo/Team_Agents"
    assert ref.install_command("qa") == "copilot plugin install qa@team-agents"
    bare = marketplace_ref(name=None, source=None, repo_url=None, site_name="Chat Mode Registry")
    assert bare == MarketplaceRef(name="chat-mode-registry", source=None)
    assert bare.add_command() is None


@pytest.mark.parametrize(
    ("name", "source"), [("Bad Name", None), ("ok", "a b"), ("ok", "file:///etc"), ("ok", "x\x1b]0;t\x07")]
)
def test_bad_options_are_refused(name: str, source: str | None) -> None:
    with pytest.raises(ValueError):
        marketplace_ref(name=name, source=source, repo_url=None, site_name="s")


def test_untrusted_record_reads_safely() -> None:
    assert MarketplaceRef.from_dict({"name": "x", "source": "o/r"}) == MarketplaceRef("x", "o/r")
    assert MarketplaceRef.from_dict({"name": "x", "source": "o/r\x1b[2J"}) == MarketplaceRef("x", None)
    assert MarketplaceRef.from_dict({"name": "X Y", "source": None}) is None
    assert MarketplaceRef.from_dict(["x"]) is None


def test_built_catalog_json_names_the_marketplace(registry_build: tuple) -> None:
    data = json.loads((registry_build[1] / "catalog.json").read_text("utf-8"))
    assert catalog_problem(data) is None
    assert MarketplaceRef.from_dict(data["marketplace"]) is not None
