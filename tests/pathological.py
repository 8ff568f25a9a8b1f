"""Pathological text for every scanner of the package (#14 finding 3), at any size.

Each class is a function of ``n`` (a repetition count) that returns text whose length grows
linearly with ``n``. Together they aim at what makes scanners superlinear: long runs of one
character a pattern may retry from every position (``" -"``, ``"*"``, spaces, digits,
brackets), many matches on one line (a pattern that rescans the line for each of them), many
lines of one kind (headings inside a fence, fence lines), and markup that parsers nest or
match in pairs (``[``, ``<``, ``&#``, backticks). The tests count the work each scanner does on
``n`` and on ``2 n``; the hostile benchmark times them.
"""

from __future__ import annotations

from collections.abc import Callable

#: Pathological lines, by class name. "one line" classes have no line break.
CLASSES: dict[str, Callable[[int], str]] = {
    # heading clean-up: separators, emphasis, spaces before a kind word
    "heading-separators": lambda n: "# x" + " -" * n + "y",
    "heading-kind-separators": lambda n: "# x" + " -" * n + " mode",
    "heading-emphasis": lambda n: "# " + "*" * n + "x",
    "heading-emphasis-both": lambda n: "# " + "_" * n + "x" + "_" * n + "y",
    "heading-spaces": lambda n: "# x" + " " * n + "y Chat  mode z",
    "headings-in-a-fence": lambda n: "```\n" + "# heading\n" * n,
    "headings-after-a-fence": lambda n: "```\ncode\n```\n" + "#x\n" * n + "# Title\n",
    # fences and code
    "fence-lines": lambda n: "```\n" * n,
    "fence-openers-of-growing-length": lambda n: "".join("`" * (3 + k % 50) + "\n" for k in range(n)),
    "backtick-run": lambda n: "`" * n + "x",
    "tilde-run": lambda n: "~" * n + "x",
    # prose transitions and their labels
    "transitions-on-one-line": lambda n: "Switch to **Alpha** chatmode to go on. " * n,
    "handoffs-on-one-line": lambda n: "hand off to **Alpha** now; " * n,
    "labelled-transitions-on-one-line": lambda n: "- **Label**: " + "Switch to **Alpha** mode, " * n,
    "switch-keywords": lambda n: "switch " * n,
    "switch-to-spaces": lambda n: "Switch to" + " " * n + "x",
    "switch-to-unclosed-bold": lambda n: "Switch to **" + "a" * n,
    "bold-markers": lambda n: "**" * n + "x",
    "bold-pairs": lambda n: "**a** " * n,
    "label-digits": lambda n: "1" * n + ". **x",
    "label-spaces": lambda n: " " * n + "- **x** : Switch to **Alpha** mode",
    "hand-dashes": lambda n: "hand" + "-" * n + "x",
    # Markdown and HTML markup
    "open-brackets": lambda n: "[" * n,
    "bracket-pairs": lambda n: "[a](" * n,
    "emphasis-stars": lambda n: "*" * n + "x",
    "underscores": lambda n: "_a" * n,
    "less-than": lambda n: "<" * n,
    "open-tags": lambda n: "<a " * n,
    "nested-divs": lambda n: "<div>" * n + "x",
    "cell-style-spaces": lambda n: (
        '<table><tr><td style="text-align: left' + " " * n + 'x">c</td></tr></table>'
    ),
    "entities": lambda n: "&#" * n,
    "backslashes": lambda n: "\\" * n,
    "pipes": lambda n: "|" * n,
    "colons": lambda n: ":" * n,
    "dash-runs": lambda n: "- " * n,
    "blockquotes": lambda n: "> " * n + "x",
    "autolinks": lambda n: "www." * n,
    # characters the text rules look for
    "invisible-characters": lambda n: "a\u200b" * n,
    "bidi-and-tags": lambda n: "\u202e\U000e0041" * n,
    "tag-run": lambda n: "\U000e0041" * n,
    "flag-without-cancel-tag": lambda n: "\U0001f3f4" + "\U000e0067" * n,
    "flags-back-to-back": lambda n: "\U0001f3f4\U000e0067\U000e0062\U000e007f" * n,
    "emoji-joined": lambda n: "\U0001f468\u200d" * n + "\U0001f4bb",
    "variation-selectors": lambda n: "\u2764\ufe0f a\ufe0f" * n,
    "hidden-escapes": lambda n: "\\u200b" * n,
    "backslash-run-escape": lambda n: "\\" * n + "u200b",
    "transitions-to-many": lambda n: "".join(f"Switch to **Mode {k}** mode. " for k in range(n)),
    "mojibake": lambda n: "Ã©" * n,
    "mojibake-lines": lambda n: "cafÃ©\n" * n,
    "blank-lines": lambda n: "\n" * n + "x",
    "spaces": lambda n: " " * n + "x",
    "word-chat-mode": lambda n: "chat mode " * n,
    # search sections: a section's first <p> after a long list, then many paragraphs (Material
    # looks for the first <p> at every </p>); many headings nested deeper, then many whose
    # container closes (Material looks back over the sections for the one to return to)
    "list-then-paragraphs": lambda n: "- a\n" * n + "\nparagraph\n\n" * n,
    "nested-headings": lambda n: "> > # deep\n" * n + "\n" + "> # shallow\n\n" * n,
}


def body_of(text: str) -> str:
    """A chat mode whose body is ``text`` after a short, valid header."""
    return "---\ndescription: Pathological body.\n---\n" + text + "\n"


def yaml_quoted(text: str) -> str:
    """``text`` as a double-quoted YAML scalar (every line break and control escaped)."""
    escaped = []
    for char in text:
        if char in '"\\':
            escaped.append("\\" + char)
        elif char == "\n":
            escaped.append("\\n")
        elif ord(char) < 0x20 or char in "\u2028\u2029\x85":
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def header_of(text: str) -> str:
    """A chat mode with ``text`` in every free-text header field (and as a handoff target)."""
    value = yaml_quoted(text)
    return (
        "---\n"
        f"description: {value}\n"
        f"name: {value}\n"
        f"argument-hint: {value}\n"
        f"model: {value}\n"
        f"tools: [{value}, {value}]\n"
        f"handoffs:\n  - label: {value}\n    agent: {value}\n    prompt: {value}\n"
        "---\n# Header Carrier\n\nBody.\n"
    )


def complete_graph_catalog(count: int) -> dict[str, str]:
    """``count`` chat mode files (by name) that each hand off and switch to every other one:
    the most transitions a catalog of that size can have."""
    names = [f"Mode {index}" for index in range(count)]
    files = {}
    for index, name in enumerate(names):
        others = [other for other in names if other != name]
        handoffs = "".join(f"  - label: To {other}\n    agent: {other}\n" for other in others)
        prose = "".join(f"- Switch to **{other}** mode for its part.\n" for other in others)
        files[f"mode-{index}.agent.md"] = (
            f"---\nname: {name}\ndescription: d\nhandoffs:\n{handoffs}---\n# {name}\n\n{prose}"
        )
    return files
