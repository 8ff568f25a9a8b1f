"""How long the catalog index's filter takes in Chromium for a large catalog.

Wraps the index content written by ``benchmarks/index_page.py`` in a bare page with the
plugin's stylesheet and script (Material's frame adds nothing to the filter's work), opens it
in headless Chromium through Playwright and measures, inside the page:

* ``setup``: from the start of navigation until the script has read every entry (the filter
  box becomes usable);
* ``filter``: from typing a query that hides almost every entry until the next frame after
  the list was updated (what a reader waits for), then ``clear``: the same for showing all
  entries again.

Run by ``benchmarks/run.py``::

    python benchmarks/filter_timing.py INDEX_FRAGMENT.html

Prints ``{"setup_ms": ..., "filter_ms": ..., "clear_ms": ..., "shown": N}``, or
``{"skipped": reason}`` when Chromium or Playwright is not available.
"""

from __future__ import annotations

import json
import sys
import tempfile
from importlib.resources import files as package_files
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

#: Runs in the page: set the query, fire ``input`` like typing does, and wait until the
#: script's frame has run and the browser has painted the next one.
MEASURE = """async (query) => {
  const input = document.querySelector('[data-cmr-catalog] input[type=search]');
  const status = document.querySelector('.cmr-status');
  const before = status.textContent;
  const start = performance.now();
  input.value = query;
  input.dispatchEvent(new Event('input', {bubbles: true}));
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  document.body.offsetHeight;  // force the layout the change caused
  const elapsed = performance.now() - start;
  const shown = document.querySelectorAll('li[data-chatmode]:not([hidden])').length;
  return {elapsed, shown, changed: status.textContent !== before};
}"""


def main(fragment: str) -> dict[str, object]:
    """Measure the filter on the index content in ``fragment``."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"skipped": "playwright is not installed"}
    if not CHROMIUM.exists():
        return {"skipped": f"no Chromium at {CHROMIUM}"}
    assets = package_files("chatmode_registry").joinpath("assets")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "chatmodes.css").write_text(
            assets.joinpath("chatmodes.css").read_text("utf-8"), encoding="utf-8"
        )
        (root / "chatmodes.js").write_text(
            assets.joinpath("chatmodes.js").read_text("utf-8"), encoding="utf-8"
        )
        page_file = root / "index.html"
        page_file.write_text(
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Catalog</title>'
            '<link rel="stylesheet" href="chatmodes.css"></head><body><article class="md-typeset">'
            + Path(fragment).read_text(encoding="utf-8")
            + '</article><script src="chatmodes.js"></script></body></html>',
            encoding="utf-8",
        )
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.goto(page_file.as_uri(), wait_until="load")
                page.wait_for_selector("[data-cmr-ready]", state="attached")
                setup = page.evaluate("performance.now()")
                entries = page.evaluate("document.querySelectorAll('li[data-chatmode]').length")
                # A name that matches one entry: nearly every entry is hidden.
                filtered = page.evaluate(MEASURE, "role 00007 engineer")
                cleared = page.evaluate(MEASURE, "")
            finally:
                browser.close()
    return {
        "entries": entries,
        "setup_ms": setup,
        "filter_ms": filtered["elapsed"],
        "shown": filtered["shown"],
        "clear_ms": cleared["elapsed"],
        "shown_after_clear": cleared["shown"],
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
