"""How ``chatmodes marketplace`` scales: CPU seconds, files and bytes written at N and 2N modes.

Each size runs the real command in its own process on generated chat modes (``generate.py``:
two to four transitions each, so each plugin holds three to five agent files) and reports
the child's CPU time (user + system), the files and bytes of the tree, and the ratio between
the two sizes (about 2 is linear). A second run with ``--check`` measures the comparison.

    python benchmarks/marketplace.py            # N = 1,000 and 2,000
    python benchmarks/marketplace.py --n 300    # a quick run
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from generate import generate


def measure(command: list[str], cwd: Path) -> float:
    """CPU seconds (user + system) of ``command`` run to completion in ``cwd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run(count: int, work: Path) -> dict[str, float]:
    registry = work / f"n{count}"
    generate(count, registry / "chatmodes")
    (registry / "mkdocs.yml").write_text("site_name: Benchmark\nplugins:\n  - chatmodes\n", encoding="utf-8")
    command = [sys.executable, "-m", "chatmode_registry.cli", "marketplace"]
    write = measure(command, registry)
    check = measure([*command, "--check"], registry)
    files = [path for path in (registry / "copilot-plugins").rglob("*") if path.is_file()]
    return {
        "write": write,
        "check": check,
        "files": len(files),
        "bytes": sum(path.stat().st_size for path in files),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="the smaller size (the larger is twice it)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        small, large = run(args.n, Path(folder)), run(2 * args.n, Path(folder))
    print(f"load average {os.getloadavg()[0]:.1f}")
    print(f"| measure | N = {args.n:,} | N = {2 * args.n:,} | ratio |")
    print("| --- | --- | --- | --- |")
    for key, unit in (("write", "CPU s"), ("check", "CPU s"), ("files", "files"), ("bytes", "bytes")):
        a, b = small[key], large[key]
        shown = (f"{a:.2f}", f"{b:.2f}") if unit == "CPU s" else (f"{a:,.0f}", f"{b:,.0f}")
        print(f"| {key} ({unit}) | {shown[0]} | {shown[1]} | {b / a:.2f} |")


if __name__ == "__main__":
    main()
