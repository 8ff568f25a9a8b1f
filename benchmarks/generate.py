"""Generate a catalog of N chat modes from the seed's body, with variations and transitions.

Used by the benchmarks; also runnable: ``python benchmarks/generate.py N DEST``.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_CANDIDATES = (
    ROOT / "tests" / "fixtures" / "seed" / "backend-engineer.chatmode.md",
    ROOT / "chatmodes" / "backend-engineer.chatmode.md",
)

TOOLS = [
    "search/codebase",
    "search/usages",
    "edit/editFiles",
    "execute/runInTerminal",
    "read/problems",
    "search/changes",
    "web/fetch",
    "search",
    "read/readFile",
    "execute/runTests",
    "codebase",
    "editFiles",
]
MODELS = ["Claude Sonnet 4.5", "GPT-5", "claude-4-sonnet", "GPT-4.1"]


def seed_body() -> str:
    """The seed's body (below its header), from the tests' fixture or from the registry's own copy."""
    for path in SEED_CANDIDATES:
        if path.exists():
            text = path.read_text(encoding="utf-8")
            return text.split("\n---\n", 1)[1]
    raise FileNotFoundError("no seed chat mode found")


def generate(count: int, dest: Path, *, seed: int = 1, body: str | None = None) -> list[Path]:
    """Write ``count`` chat modes into ``dest`` (in folders of 100); returns their paths.

    Each mode's body is the seed's with its role renamed and a Transitions section naming 2–4
    other generated modes, so the graph is connected and every transition resolves.
    """
    rng = random.Random(seed)
    base = body if body is not None else seed_body()
    # The seed's own transitions name modes this catalog does not have; each mode gets its own.
    base = "\n".join(
        line for line in base.split("\n") if "Switch to **" not in line and not line.startswith("# ")
    )
    paths = []
    for index in range(count):
        name = f"Role {index:05d} Engineer"
        targets = {(index + 1) % count, (index * 7 + 3) % count, rng.randrange(count)} - {index}
        lines = [
            f'- **For step {t}**: "Switch to **Role {t:05d} Engineer** chatmode to continue"'
            for t in sorted(targets)
        ]
        tools = rng.sample(TOOLS, 5)
        text = (
            "---\n"
            f"description: Generated role {index} for benchmarks, variation {rng.randrange(1000)}.\n"
            "tools:\n" + "".join(f"  - {tool}\n" for tool in tools) + f"model: {rng.choice(MODELS)}\n"
            "---\n\n"
            f"# {name} Chat Mode\n"
            + base.replace("Backend Engineer", name).replace("backend", f"role-{index}")
            + "\n## Transitions\n\n"
            + "\n".join(lines)
            + "\n"
        )
        folder = dest / f"group-{index // 100:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"role-{index:05d}.chatmode.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
