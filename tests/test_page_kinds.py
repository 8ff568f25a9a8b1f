"""Every kind of catalog page is one ``PageKind`` record; slugs, titles, navigation entries,
templates and the plugin's dispatch all come from it."""

from __future__ import annotations

from importlib.resources import files as package_files

import pytest

from chatmode_registry.core.identity import RESERVED_SLUGS
from chatmode_registry.core.pages import KINDS, MODE_PAGE, PAGE_KINDS
from chatmode_registry.mkdocs.plugin import ChatmodesPlugin


def test_reserved_slugs_are_the_catalog_pages_under_the_prefix() -> None:
    assert {kind.name for kind in PAGE_KINDS} - {"index"} == RESERVED_SLUGS
    assert {"graph", "tools", "models", "report", "changes"} == RESERVED_SLUGS


@pytest.mark.parametrize("kind", [*PAGE_KINDS, MODE_PAGE], ids=lambda kind: kind.name)
def test_every_kind_has_a_template_and_a_context_builder(kind) -> None:
    assert package_files("chatmode_registry").joinpath("templates", kind.template).is_file()
    assert callable(getattr(ChatmodesPlugin, f"_{kind.context}"))
    assert KINDS[kind.name] is kind
