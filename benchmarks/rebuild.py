"""A cold build, then a warm rebuild after a one-file edit, the way ``mkdocs serve`` does it.

``mkdocs serve`` loads the configuration, calls ``on_startup`` once, builds, and on every
change loads the configuration again and builds again in the same process. Plugins that
define ``on_startup`` are kept across those reloads (MkDocs caches their instances), so
whatever such a plugin remembers between builds is what makes a rebuild cheap.

Run by ``benchmarks/run.py`` in a subprocess::

    python benchmarks/rebuild.py PROJECT/mkdocs.yml SITE_DIR EDITED_FILE

Prints one JSON object: ``{"cold": s, "warm": s, "cold_cpu": s, "warm_cpu": s}`` (wall and
CPU seconds of this process; CPU time is what other load on the machine does not inflate).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

SERVE_URL = "http://127.0.0.1:8000/"


def main(config_file: str, site_dir: str, edited: str) -> dict[str, float]:
    """Build twice like ``mkdocs serve``; edit ``edited`` in between; return both timings."""
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    if os.environ.get("REBUILD_LOG"):
        logging.basicConfig(level=logging.DEBUG, format="%(name)s %(message)s")
        logging.getLogger("mkdocs").setLevel(logging.DEBUG)

    def get_config():
        config = load_config(config_file=config_file, site_dir=site_dir)
        config.site_url = SERVE_URL
        return config

    config = get_config()
    config.plugins.on_startup(command="serve", dirty=False)
    start, start_cpu = time.perf_counter(), time.process_time()
    build(config, serve_url=SERVE_URL)
    cold, cold_cpu = time.perf_counter() - start, time.process_time() - start_cpu

    path = Path(edited)
    path.write_text(
        path.read_text(encoding="utf-8") + "\nOne more line, edited while serving.\n", encoding="utf-8"
    )

    config = get_config()
    start, start_cpu = time.perf_counter(), time.process_time()
    build(config, serve_url=SERVE_URL)
    warm, warm_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    config.plugins.on_shutdown()
    return {"cold": cold, "warm": warm, "cold_cpu": cold_cpu, "warm_cpu": warm_cpu}


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:4])))
