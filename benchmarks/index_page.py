"""Render only the catalog index of a large catalog and report its size.

A whole site build of 10,000 chat modes takes minutes; the index page's size does not
depend on the other pages, so this renders it with the plugin's own pieces (the same
``CatalogSite`` and templates the plugin uses in a build) and prints its bytes. The theme's
frame around the content is the same for every catalog size, so it is left out here and
the per-entry figure is exact.

Run by ``benchmarks/run.py`` in a subprocess::

    python benchmarks/index_page.py PROJECT/mkdocs.yml OUT.html

Prints ``{"entries": N, "bytes": B, "seconds": S}``.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path

from mkdocs.config import load_config

from chatmode_registry.core.catalog import load_catalog
from chatmode_registry.mkdocs.renderer import Renderer
from chatmode_registry.mkdocs.structure import CatalogLayout, CatalogSite


def main(config_file: str, out: str) -> dict[str, float]:
    """Render the index of the catalog configured in ``config_file`` into ``out``."""
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    start = time.perf_counter()
    config = load_config(config_file=config_file)
    options = config.plugins["chatmodes"].config
    source = (Path(config_file).parent / options.source).resolve()
    catalog = load_catalog(source, max_bytes=options.max_bytes)
    layout = CatalogLayout(options.prefix)
    site = CatalogSite(catalog, layout, base=config.site_url)
    # MkDocs records which plugin generated a file; outside a build nobody is running.
    config.plugins._current_plugin = "chatmodes"
    site.generated_files(config, extra={})
    spec = site.specs[layout.special_uri("index")]
    url = f"{layout.prefix}/"
    context = site.common_context(spec, url)
    context.update(site.index_context(url))
    html = Renderer(list(config.theme.dirs)).render(spec.template, context)
    Path(out).write_text(html, encoding="utf-8")
    return {
        "entries": len(catalog.chatmodes),
        "bytes": len(html.encode("utf-8")),
        "seconds": time.perf_counter() - start,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
