"""The GitHub workflows: valid YAML, the steps publishing and previews rely on, sound shell.

GitHub itself cannot be run here; these tests check what can be checked locally: the files
parse, the key steps exist with the options that matter, every ``run`` script is valid bash,
and no untrusted event data is pasted into a script (script injection).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

WORKFLOWS = Path(__file__).resolve().parent.parent / ".github" / "workflows"


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the bare key `on` as the boolean true.
    found = workflow.get("on", workflow.get(True))
    return {"pull_request": None} if found == "pull_request" else found


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def step_using(workflow: dict, action: str) -> dict:
    return next(step for step in steps(workflow) if step.get("uses", "").startswith(action + "@"))


def scripts(workflow: dict) -> list[str]:
    return [step["run"] for step in steps(workflow) if "run" in step]


def index_of(workflow: dict, pattern: str) -> int:
    """Position of the first step whose script matches ``pattern``."""
    for index, step in enumerate(steps(workflow)):
        if re.search(pattern, step.get("run", "")):
            return index
    raise AssertionError(f"no step runs {pattern!r}")


def test_publish_deploys_tags_with_mike():
    workflow = load("publish.yml")
    assert triggers(workflow)["push"]["tags"] == ["v*"]
    assert workflow["permissions"]["contents"] == "write"
    assert step_using(workflow, "actions/checkout")["with"]["fetch-depth"] == 0
    assert "python-version" in step_using(workflow, "actions/setup-python")["with"]
    install = index_of(workflow, r'pip install "?\.\[versions\]"?')
    identity = index_of(workflow, r"git config user\.email")
    deploy = index_of(workflow, r"mike deploy --push --update-aliases \"?\$VERSION\"? latest")
    default = index_of(workflow, r"mike set-default --push latest")
    assert install < identity < deploy < default
    assert sum("mike set-default" in script for script in scripts(workflow)) == 1


def test_preview_builds_validates_uploads_and_comments():
    workflow = load("preview.yml")
    assert "pull_request" in triggers(workflow)
    job = next(iter(workflow["jobs"].values()))
    assert job["env"]["CHATMODES_BASELINE"] == "${{ vars.CHATMODES_BASELINE }}"
    build = index_of(workflow, r"^mkdocs build\s*$")
    assert "--strict" not in steps(workflow)[build]["run"]
    validate = index_of(workflow, r"chatmodes validate chatmodes --format github")
    upload = step_using(workflow, "actions/upload-artifact")
    assert upload["with"]["path"].rstrip("/") == "site"
    diff = index_of(workflow, r'chatmodes diff "\$CHATMODES_BASELINE" site/catalog\.json')
    comment = index_of(workflow, r"gh pr comment")
    assert build < validate < diff < comment
    assert steps(workflow).index(upload) < diff
    assert workflow["permissions"]["pull-requests"] == "write"


@pytest.mark.parametrize("name", ["publish.yml", "preview.yml"])
def test_scripts_take_event_data_only_through_the_environment(name):
    # ${{ github.event... }} pasted into a script is how a pull request title becomes code.
    for script in scripts(load(name)):
        assert "${{" not in script, script


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash not installed")
@pytest.mark.parametrize("name", ["publish.yml", "preview.yml"])
def test_scripts_are_valid_bash(name):
    for script in scripts(load(name)):
        result = subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True)
        assert result.returncode == 0, (script, result.stderr)
