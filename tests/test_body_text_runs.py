"""Long runs of text reach the sanitizer cut into short text nodes (nh3's parser takes time
quadratic in a text node's length when it holds non-ASCII characters or entities), and the
cuts change nothing in the output."""

from __future__ import annotations

import re

import pytest

from chatmode_registry.render import body

LONG_BODIES = {
    "mojibake line": "Ã©" * 20_000,
    "entities": "a & b < c > d " * 5_000,
    "raw html text": "<div>" + "x > y &amp; z &#x1F600; " * 2_000 + "</div>",
    "code block": "```\n" + "Ã© & < > \" ' " * 4_000 + "\n```\n",
    "highlighted code": "```python\n" + "x = 'Ã©Ã©' + \"&lt;\"  # é\n" * 2_000 + "```\n",
    "heading": "# " + "Ã©" * 5_000,
}


def _handed_to_sanitizer(monkeypatch: pytest.MonkeyPatch, text: str) -> tuple[str, str]:
    seen: list[str] = []
    real = body.sanitize_html

    def record(markup: str) -> str:
        seen.append(markup)
        return real(markup)

    monkeypatch.setattr(body, "sanitize_html", record)
    rendered = body.render_body(text).html
    return seen[-1], rendered


@pytest.mark.parametrize("name", sorted(LONG_BODIES))
def test_no_long_text_node_reaches_the_sanitizer(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    markup, _ = _handed_to_sanitizer(monkeypatch, LONG_BODIES[name])
    runs = re.split(r"<[^<>]*>", markup)
    assert max(len(run) for run in runs) <= body._TEXT_RUN


@pytest.mark.parametrize("name", sorted(LONG_BODIES))
def test_the_cuts_change_nothing(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    _, with_cuts = _handed_to_sanitizer(monkeypatch, LONG_BODIES[name])
    monkeypatch.setattr(body, "_breakable_text", lambda text: text)
    monkeypatch.setattr(body, "_breakable_markup", lambda markup: markup)
    assert body.render_body(LONG_BODIES[name]).html == with_cuts
    assert "<!--" not in with_cuts


def test_a_cut_never_splits_an_entity_or_a_tag_start() -> None:
    text = "&CounterClockwiseContourIntegral;" * 100 + "<b" * 400
    cut = body._breakable_text(text)
    for piece in cut.split(body._CUT):
        assert not re.search(r"&[A-Za-z0-9#]*$", piece)  # no entity left open at a cut
        assert not piece.endswith("<")
    assert cut.replace(body._CUT, "") == text
