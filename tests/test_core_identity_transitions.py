"""Identity (slugs, display names) and the transition graph (prose, handoffs, resolution)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chatmode_files import chatmode, codes, mode_by_source, with_code, write_tree
from chatmode_registry.core.catalog import load_catalog, load_files
from chatmode_registry.core.identity import RESERVED_SLUGS, assign_slugs, choose_name, heading_name, slugify
from chatmode_registry.core.model import Severity

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def load(tmp_path: Path, files: dict[str, str | bytes]):
    """Write ``files`` into a fresh folder and load it as a catalog."""
    return load_catalog(write_tree(tmp_path / "src", files))


# --- slugs -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stem", "slug"),
    [
        ("Backend Engineer", "backend-engineer"),
        ("R&D Helper", "r-d-helper"),
        ("Spec(2)-design", "spec-2-design"),
        ("Planner (beta)", "planner-beta"),
        ("\U0001f680 Rocket \U0001f680", "rocket"),
        ("\"Quoted\" 'Mode'", "quoted-mode"),
        ("<script>alert(1)</script>", "script-alert-1-script"),
        ("  --Already__slug--  ", "already-slug"),
        ("UPPER_case.v2", "upper-case-v2"),
        ("\u65e5\u672c\u8a9e", ""),
    ],
)
def test_slugify_follows_the_contract(stem, slug):
    assert slugify(stem) == slug


def test_file_names_with_odd_characters_get_their_slugs(tmp_path):
    catalog = load(
        tmp_path,
        {
            "R&D (beta).chatmode.md": chatmode(),
            "\U0001f680 Launch.agent.md": chatmode(),
            "a <b> 'c'.chatmode.md": chatmode(),
        },
    )
    assert {mode.source: mode.slug for mode in catalog.chatmodes} == {
        "R&D (beta).chatmode.md": "r-d-beta",
        "\U0001f680 Launch.agent.md": "launch",
        "a <b> 'c'.chatmode.md": "a-b-c",
    }
    assert "CM301" not in codes(catalog.diagnostics)


def test_colliding_slugs_warn_on_both_files_and_suffix_the_second(tmp_path):
    catalog = load(tmp_path, {"Foo.chatmode.md": chatmode(), "foo.agent.md": chatmode()})
    assert [(mode.source, mode.slug) for mode in catalog.chatmodes] == [
        ("Foo.chatmode.md", "foo"),
        ("foo.agent.md", "foo-2"),
    ]
    warned = with_code(catalog.diagnostics, "CM301")
    assert sorted(d.path for d in warned) == ["Foo.chatmode.md", "foo.agent.md"]
    assert all(d.severity is Severity.WARNING for d in warned)
    assert mode_by_source(catalog, "foo.agent.md").filename == "foo-2.agent.md"


@pytest.mark.parametrize("reserved", sorted(RESERVED_SLUGS))
def test_reserved_slugs_get_a_suffix_and_a_warning(tmp_path, reserved):
    assert reserved in {"graph", "tools", "models", "report", "changes"}
    catalog = load(tmp_path, {f"{reserved.title()}.chatmode.md": chatmode()})
    (mode,) = catalog.chatmodes
    assert mode.slug == f"{reserved}-2"
    assert "reserved" in with_code(catalog.diagnostics, "CM301")[0].message


def test_contract_reserved_slugs_are_all_reserved():
    assert {"graph", "tools", "models", "report", "changes"} <= RESERVED_SLUGS


def test_empty_slug_gets_a_valid_unique_slug_and_a_warning(tmp_path):
    catalog = load(tmp_path, {"\U0001f680.chatmode.md": chatmode(), "\u2728\u2728.agent.md": chatmode()})
    slugs = [mode.slug for mode in catalog.chatmodes]
    assert all(SLUG.fullmatch(slug) for slug in slugs) and len(set(slugs)) == 2
    assert len(with_code(catalog.diagnostics, "CM301")) == 2
    assert [
        mode.slug
        for mode in load(
            tmp_path / "again", {"\U0001f680.chatmode.md": chatmode(), "\u2728\u2728.agent.md": chatmode()}
        ).chatmodes
    ] == slugs


def test_suffixes_skip_slugs_other_files_already_have():
    slugs, problems = assign_slugs(["Foo", "foo", "foo-2", "graph", "graph-2"])
    assert slugs == ["foo", "foo-3", "foo-2", "graph-3", "graph-2"]
    assert sorted(problems) == [0, 1, 3]


def test_slugs_are_unique_in_any_catalog(tmp_path):
    stems = ["a", "A", "a-2", "a 2", "tools", "Tools", "", "-", "report-2"]
    slugs, _ = assign_slugs(stems)
    assert len(set(slugs)) == len(stems) and all(SLUG.fullmatch(slug) for slug in slugs)
    assert not RESERVED_SLUGS & set(slugs)


# --- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ("# Backend Engineer Chat Mode\n", "Backend Engineer"),
        ("# Data Chatmode\n", "Data"),
        ("# Planner Mode\n", "Planner"),
        ("# Review Agent\n", "Review"),
        ("# Agent Smith\n", "Agent Smith"),
        ("# Model Trainer\n", "Model Trainer"),
        ("Intro\n\n## Second level\n\n# First Top Mode\n# Later\n", "First Top"),
        ("```markdown\n# Fenced Mode\n```\n# Real One Chat Mode\n", "Real One"),
        ("~~~\n# Tilde fenced\n~~~\n# After Tilde\n", "After Tilde"),
        ("\u200b```\n# Hidden fence\n```\n# Visible\n", "Visible"),
    ],
)
def test_name_comes_from_the_first_heading_outside_code(body, name):
    assert choose_name(None, heading_name(body), "the-slug") == name


def test_name_from_the_header_wins_and_the_slug_is_the_last_resort(tmp_path):
    catalog = load(
        tmp_path,
        {
            "named.chatmode.md": chatmode("# Heading Mode\n", header="name: '  Header Name '\n"),
            "headed.chatmode.md": chatmode("# Heading Mode\n"),
            "my-cool_helper.agent.md": chatmode("No heading here.\n```\n# In code\n```\n"),
        },
    )
    names = {mode.source: mode.name for mode in catalog.chatmodes}
    assert names == {
        "named.chatmode.md": "Header Name",
        "headed.chatmode.md": "Heading",
        "my-cool_helper.agent.md": "My Cool Helper",
    }


# --- prose transitions ---------------------------------------------------------------------------

PROSE_BODY = """# Router

- **For API Design**: Switch to **API Engineer** chatmode to design the endpoints.
- Switch to **Data Engineer** chat mode for schemas
Then switch to the **Security Engineer** mode, please.
Switching to **Ops** agent when deploying.
When done, hand off to **Reviewer** for a review.
```
Switch to **Fenced** mode
hand off to **Also Fenced**
```
Switch to **Nothing** without a kind word.
"""


def test_prose_transitions_variants_labels_reasons_and_lines(tmp_path):
    catalog = load(tmp_path, {"router.chatmode.md": chatmode(PROSE_BODY)})
    mode = mode_by_source(catalog, "router.chatmode.md")
    got = [(t.text, t.via, t.line, t.label, t.reason) for t in mode.transitions]
    assert got == [
        ("API Engineer", "prose", 6, "For API Design", "to design the endpoints"),
        ("Data Engineer", "prose", 7, "", "for schemas"),
        ("Security Engineer", "prose", 8, "", "please"),
        ("Ops", "prose", 9, "", "when deploying"),
        ("Reviewer", "prose", 10, "", "for a review"),
    ]
    assert [d.line for d in with_code(catalog.diagnostics, "CM302")] == [6, 7, 8, 9, 10]


def test_seed_prose_transitions_have_labels_and_lines():
    from chatmode_files import SEED

    catalog = load_files([SEED])
    (mode,) = catalog.chatmodes
    labelled = [(t.text, t.label) for t in mode.transitions]
    assert ("API Engineer", "For API Design") in labelled
    lines = SEED.read_text(encoding="utf-8").split("\n")
    for transition in mode.transitions:
        assert f"**{transition.text}**" in lines[transition.line - 1]


# --- handoffs ----------------------------------------------------------------------------------


def test_handoffs_give_transitions_with_label_prompt_and_line(tmp_path):
    header = (
        "handoffs:\n"
        "  - label: Start the review\n"
        "    agent: reviewer\n"
        "    prompt: Review the change.\n"
        "    send: true\n"
        "  - agent: planner\n"
    )
    catalog = load(
        tmp_path,
        {
            "builder.agent.md": chatmode("# Builder\n", header=header),
            "reviewer.agent.md": chatmode(),
            "planner.agent.md": chatmode(),
        },
    )
    builder = mode_by_source(catalog, "builder.agent.md")
    got = [(t.text, t.via, t.line, t.label, t.reason, t.target) for t in builder.transitions]
    assert got == [
        ("reviewer", "handoff", 4, "Start the review", "Review the change.", "reviewer"),
        ("planner", "handoff", 8, "", "", "planner"),
    ]
    assert "CM302" not in codes(catalog.diagnostics)


# --- resolution ----------------------------------------------------------------------------------


def test_targets_resolve_by_slug_and_by_slugified_name(tmp_path):
    catalog = load(
        tmp_path,
        {
            "router.chatmode.md": chatmode(
                "# Router\n\nSwitch to **API Engineer** mode.\nSwitch to **db-helper** agent.\n"
                "Switch to **Frontend Person** mode.\n"
            ),
            "api.chatmode.md": chatmode("# API Engineer Chat Mode\n"),
            "db-helper.chatmode.md": chatmode(),
            "fe.agent.md": chatmode(header="name: Frontend Person\n"),
        },
    )
    router = mode_by_source(catalog, "router.chatmode.md")
    assert [(t.text, t.target, t.builtin) for t in router.transitions] == [
        ("API Engineer", "api", False),
        ("db-helper", "db-helper", False),
        ("Frontend Person", "fe", False),
    ]
    assert [d.code for d in mode_by_source(catalog, "router.chatmode.md").diagnostics] == []


def test_the_nearest_folder_wins(tmp_path):
    helper = chatmode(header="name: Helper\n")
    catalog = load(
        tmp_path,
        {
            "team/a/router.chatmode.md": chatmode("# R\n\nSwitch to **Helper** mode.\n"),
            "team/a/h1.chatmode.md": helper,
            "team/h2.chatmode.md": helper,
            "h3.chatmode.md": helper,
            "team/b/router.chatmode.md": chatmode("# R\n\nSwitch to **Helper** mode.\n"),
            "x/y/router.chatmode.md": chatmode("# R\n\nSwitch to **Helper** mode.\n"),
        },
    )
    targets = {mode.source: mode.transitions[0].target for mode in catalog.chatmodes if mode.transitions}
    assert targets == {
        "team/a/router.chatmode.md": "h1",
        "team/b/router.chatmode.md": "h2",
        "x/y/router.chatmode.md": "h3",
    }
    # A choice between candidates is never silent: each router and each candidate is told.
    warned = {d.path for d in with_code(catalog.diagnostics, "CM305")}
    assert warned == {mode.source for mode in catalog.chatmodes}
    (first,) = with_code(catalog.diagnostics, "CM305", "team/a/router.chatmode.md")
    assert "linked to 'team/a/h1.chatmode.md' because it is the nearest" in first.message


def test_a_tie_warns_with_cm305_and_still_resolves(tmp_path):
    helper = chatmode(header="name: Helper\n")
    catalog = load(
        tmp_path,
        {
            "router.chatmode.md": chatmode("# R\n\nSwitch to **Helper** mode.\n"),
            "a/one.chatmode.md": helper,
            "b/two.chatmode.md": helper,
        },
    )
    (warning,) = with_code(catalog.diagnostics, "CM305", "router.chatmode.md")
    assert (warning.path, warning.line, warning.severity) == ("router.chatmode.md", 6, Severity.WARNING)
    for candidate in ("a/one.chatmode.md", "b/two.chatmode.md"):
        (note,) = with_code(catalog.diagnostics, "CM305", candidate)
        assert "'router.chatmode.md' line 6" in note.message
    assert "a/one.chatmode.md" in warning.message and "b/two.chatmode.md" in warning.message
    assert mode_by_source(catalog, "router.chatmode.md").transitions[0].target in {"one", "two"}


@pytest.mark.parametrize(
    ("text", "exact"), [("agent", "agent"), ("Ask", "ask"), ("edit", "edit"), ("PLAN", "Plan")]
)
def test_builtin_agents_are_not_dangling(tmp_path, text, exact):
    """Prose names a built-in agent in any case; a handoff must spell it as VS Code does."""
    catalog = load(
        tmp_path,
        {
            "m.chatmode.md": chatmode(
                f"# M\n\nHand off to **{text}** to finish.\n", header=f"handoffs:\n  - agent: {exact}\n"
            )
        },
    )
    mode = mode_by_source(catalog, "m.chatmode.md")
    assert [t.to_dict()["target"] for t in mode.transitions] == [None, None]
    assert [t.builtin for t in mode.transitions] == [True, True]
    assert not any(t.dangling for t in mode.transitions)
    infos = with_code(catalog.diagnostics, "CM304")
    assert [(d.line, d.severity) for d in infos] == [(4, Severity.INFO), (8, Severity.INFO)]
    assert "CM302" not in codes(catalog.diagnostics)


def test_a_catalog_mode_named_plan_wins_over_the_builtin(tmp_path):
    catalog = load(
        tmp_path,
        {
            "m.chatmode.md": chatmode("# M\n\nHand off to **plan** next.\n"),
            "planner.agent.md": chatmode("# Plan\n"),
        },
    )
    (transition,) = mode_by_source(catalog, "m.chatmode.md").transitions
    assert (transition.target, transition.builtin) == ("planner", False)
    assert "CM304" not in codes(catalog.diagnostics)


@pytest.mark.parametrize("text", ["Agent", "ASK", "plan", " Plan"])
def test_a_handoff_spelling_a_builtin_in_another_case_is_dangling(tmp_path, text):
    """VS Code compares agent names with ===: 'Agent' is not the built-in 'agent'."""
    catalog = load(tmp_path, {"m.agent.md": chatmode(header=f"handoffs:\n  - agent: '{text}'\n")})
    (error,) = with_code(catalog.diagnostics, "CM302")
    assert error.severity is Severity.ERROR and "(case counts)" in error.message
    assert mode_by_source(catalog, "m.agent.md").transitions[0].dangling


def test_dangling_is_an_error_in_a_folder_and_info_for_single_files(tmp_path):
    folder = write_tree(
        tmp_path / "src",
        {
            "m.chatmode.md": chatmode("# M\n\nSwitch to **Ghost Writer** mode.\n"),
            "ghost-writr.chatmode.md": chatmode("# Ghost Writr\n"),
        },
    )
    in_folder = with_code(load_catalog(folder).diagnostics, "CM302")
    assert [(d.path, d.line, d.severity) for d in in_folder] == [("m.chatmode.md", 6, Severity.ERROR)]
    assert "did you mean 'Ghost Writr'" in in_folder[0].message
    single = with_code(load_files([folder / "m.chatmode.md"]).diagnostics, "CM302")
    assert [(d.line, d.severity) for d in single] == [(6, Severity.INFO)]
    (transition,) = mode_by_source(load_catalog(folder), "m.chatmode.md").transitions
    assert transition.dangling and transition.to_dict()["target"] is None


def test_single_files_checked_together_resolve_each_other(tmp_path):
    folder = write_tree(
        tmp_path / "src",
        {"a.chatmode.md": chatmode("# A\n\nSwitch to **B** mode.\n"), "far/b.chatmode.md": chatmode("# B\n")},
    )
    catalog = load_files([folder / "a.chatmode.md", folder / "far" / "b.chatmode.md"])
    assert catalog.chatmodes[0].transitions[0].target == "b"
    assert "CM302" not in codes(catalog.diagnostics)


def test_self_transition_is_cm303(tmp_path):
    catalog = load(
        tmp_path, {"solo.chatmode.md": chatmode("# Solo Mode\n\nSwitch to **Solo** mode again.\n")}
    )
    (warning,) = with_code(catalog.diagnostics, "CM303")
    assert (warning.line, warning.severity) == (6, Severity.WARNING)


def test_backlinks_are_recorded_in_incoming(tmp_path):
    catalog = load(
        tmp_path,
        {
            "a.chatmode.md": chatmode("# A\n\nSwitch to **C** mode.\n"),
            "b.agent.md": chatmode("# B\n", header="handoffs:\n  - agent: c\n    label: Go to C\n"),
            "c.chatmode.md": chatmode("# C\n\nSwitch to **Ghost** mode.\nHand off to **ask**.\n"),
        },
    )
    incoming = {
        slug: [(source.slug, t.via, t.label) for source, t in pairs]
        for slug, pairs in catalog.incoming.items()
    }
    assert incoming == {"a": [], "b": [], "c": [("a", "prose", ""), ("b", "handoff", "Go to C")]}


# --- VS Code's resolution of handoffs and subagents (issue 13) and silent takeover (issue 14.5) --


def test_agent_plan_is_the_builtin_even_where_a_plan_file_exists(tmp_path):
    """VS Code looks up built-in agents first, by exact name: 'agent: Plan' never reaches a
    collection's plan.agent.md named otherwise, and matching its slug is not VS Code's rule."""
    catalog = load(
        tmp_path,
        {
            "m.agent.md": chatmode(header="handoffs:\n  - {label: Plan it, agent: Plan, prompt: Go}\n"),
            "plan.agent.md": chatmode(header="name: Plan Mode - Strategic Planning & Architecture\n"),
        },
    )
    (transition,) = mode_by_source(catalog, "m.agent.md").transitions
    assert (transition.target, transition.builtin) == (None, True)
    assert catalog.incoming["plan"] == []
    assert with_code(catalog.diagnostics, "CM302") == []


def test_a_handoff_by_slug_to_a_named_agent_is_dangling_with_the_name_to_write(tmp_path):
    catalog = load(
        tmp_path,
        {
            "m.agent.md": chatmode(header="handoffs:\n  - {label: L, agent: security-engineer, prompt: P}\n"),
            "security-engineer.agent.md": chatmode(header="name: Security Engineer\n"),
        },
    )
    (error,) = with_code(catalog.diagnostics, "CM302")
    assert error.message == (
        "handoff to 'security-engineer' matches no agent name: 'security-engineer.agent.md' is named "
        "'Security Engineer' (a slug does not count), and a handoff or subagent needs the agent's exact "
        "name, as VS Code matches it; only prose is matched loosely, so write 'Security Engineer'"
    )


def test_handoffs_match_names_exactly_and_file_stems_when_unnamed(tmp_path):
    catalog = load(
        tmp_path,
        {
            "m.agent.md": chatmode(
                header="handoffs:\n  - {label: A, agent: Spec(2)-design, prompt: P}\n"
                "  - {label: B, agent: Security Engineer, prompt: P}\n"
            ),
            "sub/Spec(2)-design.agent.md": chatmode(),
            "security.agent.md": chatmode(header="name: Security Engineer\n"),
        },
    )
    assert [t.target for t in mode_by_source(catalog, "m.agent.md").transitions] == [
        "spec-2-design",
        "security",
    ]
    assert with_code(catalog.diagnostics, "CM302") == []


def test_subagents_are_edges_and_star_is_a_note(tmp_path):
    catalog = load(
        tmp_path,
        {
            "lead.agent.md": chatmode(header="tools: [agent]\nagents: [Reviewer, researcher, agent]\n"),
            "any.agent.md": chatmode(header="agents: ['*']\n"),
            "none.agent.md": chatmode(header="agents: []\n"),
            "reviewer.agent.md": chatmode(header="name: Reviewer\n"),
            "researcher.agent.md": chatmode(),
        },
    )
    lead = mode_by_source(catalog, "lead.agent.md")
    assert [(t.text, t.via, t.target, t.builtin, t.line) for t in lead.transitions] == [
        ("Reviewer", "subagent", "reviewer", False, 4),
        ("researcher", "subagent", "researcher", False, 4),
        ("agent", "subagent", None, True, 4),
    ]
    assert [t.to_dict()["via"] for t in lead.transitions] == ["subagent"] * 3
    assert mode_by_source(catalog, "any.agent.md").transitions == []
    assert mode_by_source(catalog, "any.agent.md").subagents == "any"
    assert mode_by_source(catalog, "none.agent.md").subagents == "none"
    assert lead.subagents == "listed"
    assert [(s.slug, t.via) for s, t in catalog.incoming["reviewer"]] == [("lead", "subagent")]


def test_a_subagent_that_disables_model_invocation_is_cm307(tmp_path):
    catalog = load(
        tmp_path,
        {
            "lead.agent.md": chatmode(header="agents:\n  - quiet\n  - Plan\n"),
            "quiet.agent.md": chatmode(header="disable-model-invocation: true\n"),
        },
    )
    found = with_code(catalog.diagnostics, "CM307", "lead.agent.md")
    assert [(d.line, d.severity) for d in found] == [(4, Severity.WARNING), (5, Severity.WARNING)]
    assert not mode_by_source(catalog, "quiet.agent.md").model_invocable


def test_an_impostor_name_elsewhere_never_captures_the_real_slug(tmp_path):
    """Issue 14.5: 'name: Security Engineer' in the referrer's own folder must not take the link
    to security-engineer.chatmode.md, and the choice is reported on all three files."""
    catalog = load(
        tmp_path,
        {
            "team/router.chatmode.md": chatmode("# R\n\nSwitch to **Security Engineer** mode.\n"),
            "team/impostor.chatmode.md": chatmode(header="name: Security Engineer\n"),
            "security-engineer.chatmode.md": chatmode(header="name: Security Engineer\n"),
        },
    )
    (transition,) = mode_by_source(catalog, "team/router.chatmode.md").transitions
    assert transition.target == "security-engineer"
    warned = {d.path for d in with_code(catalog.diagnostics, "CM305")}
    assert warned == {"team/router.chatmode.md", "team/impostor.chatmode.md", "security-engineer.chatmode.md"}
    (referrer,) = with_code(catalog.diagnostics, "CM305", "team/router.chatmode.md")
    assert "an exact slug beats a name" in referrer.message


def test_ambiguity_messages_stay_short_with_many_candidates(tmp_path):
    files = {f"d{index}/h.chatmode.md": chatmode(header="name: Helper\n") for index in range(30)}
    files["r.chatmode.md"] = chatmode("# R\n\nSwitch to **Helper** mode.\n")
    catalog = load(tmp_path, files)
    (warning,) = with_code(catalog.diagnostics, "CM305", "r.chatmode.md")
    assert "and 25 more" in warning.message and len(warning.message) < 400
