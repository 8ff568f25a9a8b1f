"""A rendered body in Chromium: Material's copy button on code, no theme behaviour from a body.

The site enables none of Material's code features and has no ``markdown_extensions``: a
body's code still gets the copy button (the renderer asks for it), and a body's
``mermaid`` block stays text (Material would otherwise fetch mermaid.js from a CDN).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import build, write_project

pytestmark = pytest.mark.browser

BODY = """---
description: Shows code.
---

# Coder

```python
print("copied exactly")
```

<pre class="mermaid">graph TD; A-->B</pre>

```mermaid
graph TD; C-->D
```
"""


def test_code_gets_materials_copy_button_and_mermaid_stays_text(browser, serve_site, tmp_path: Path) -> None:
    site = tmp_path / "project" / "site"
    site.mkdir(parents=True)
    base_url = serve_site(site)
    project = write_project(
        tmp_path / "project",
        {"coder.chatmode.md": BODY},
        config={"site_url": base_url, "markdown_extensions": None},
    )
    result = build(project)
    assert result.ok, result.log

    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base_url + "catalog/coder/", wait_until="load")
    button = page.locator(".cmr-body .highlight button[data-clipboard-target]").first
    button.wait_for(state="attached", timeout=7_500)
    button.click(force=True)
    page.wait_for_function("navigator.clipboard.readText().then(t => t.length > 0)", timeout=7_500)
    # Material copies the code's text without its final line break.
    assert page.evaluate("navigator.clipboard.readText()") == 'print("copied exactly")'
    # Material turns nothing of the body into a diagram and fetches no script for it.
    assert page.locator(".mermaid").count() == 0
    assert page.locator(".cmr-body").inner_text().count("graph TD") == 2
    assert all(url.startswith(base_url) for url in requests if url.startswith("http")), requests
    assert errors == []
    context.close()
