"""Where the catalog sits in a site (#16): first in the navigation, optionally the home page;
and what the index's entries carry for the script (kind, install templates).

Real builds read with an HTML parser, like ``test_plugin_build.py``.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from conftest import SITE_URL, BuildResult, build
from sitehtml import Element, content, page_path, read_page, resolve

SLUGS = {"alpha", "beta", "gamma"}


def primary_nav_targets(result: BuildResult, page: str = "") -> list[str]:
    """Site-root URLs of the primary navigation of ``page``, in order."""
    document = read_page(result.site, page)
    primary = document.find("nav", cls="md-nav--primary")
    return [
        resolve(page, a.get("href"))
        for a in primary.find_all("a", cls="md-nav__link")
        if a.get("href") and not a.get("href").startswith("#")
    ]


def catalog_first(targets: list[str]) -> bool:
    """True when every catalog page of the navigation comes before every other page."""
    kinds = [target.startswith("catalog/") for target in targets]
    return any(kinds) and kinds == sorted(kinds, reverse=True)


def test_the_catalog_comes_first_in_an_explicit_nav_with_its_models_page(make_project) -> None:
    project = make_project(
        config={"nav": [{"Home": "index.md"}, {"About": "about.md"}]}, docs={"about.md": "# About\n"}
    )
    result = build(project, strict=True)
    assert result.ok, result.log
    targets = primary_nav_targets(result)
    assert catalog_first(targets), targets
    assert targets[:5] == [
        "catalog/",
        "catalog/graph/",
        "catalog/tools/",
        "catalog/models/",
        "catalog/report/",
    ]
    assert {"", "about/"} <= set(targets)


def test_the_catalog_comes_first_in_a_nav_made_from_the_files(make_project) -> None:
    result = build(make_project(docs={"about.md": "# About\n", "zebra.md": "# Zebra\n"}), strict=True)
    assert result.ok, result.log
    targets = primary_nav_targets(result)
    assert catalog_first(targets), targets
    assert "catalog/models/" in targets


def test_a_nav_that_places_the_catalog_itself_keeps_its_order(make_project) -> None:
    nav = [{"Home": "index.md"}, {"Chat modes": "catalog/index.md"}]
    result = build(make_project(config={"nav": nav}), strict=True)
    assert result.ok, result.log
    assert primary_nav_targets(result) == ["", "catalog/"]


def test_a_mode_page_opens_the_catalog_section_at_its_index(clean_build: BuildResult) -> None:
    document = read_page(clean_build.site, "catalog/alpha/")
    primary = document.find("nav", cls="md-nav--primary")
    active = [
        li
        for li in primary.find_all("li", cls="md-nav__item--active")
        if "md-nav__item--nested" not in li.classes
    ]
    assert [resolve("catalog/alpha/", li.find("a").get("href")) for li in active] == ["catalog/"]
    section = next(li for li in primary.find_all("li", cls="md-nav__item--nested"))
    toggle = section.find("input")
    assert toggle.get("checked") is not None
    # The marking is for that page only: the site's own pages leave the section closed.
    home = read_page(clean_build.site, "").find("nav", cls="md-nav--primary")
    home_section = next(li for li in home.find_all("li", cls="md-nav__item--nested"))
    assert home_section.find("input").get("checked") is None
    assert "md-nav__item--active" not in home_section.classes


def test_a_mode_page_links_back_to_the_index(clean_build: BuildResult) -> None:
    article = content(read_page(clean_build.site, "catalog/beta/"))
    back = article.find("a", data_cmr_back=True)
    assert resolve("catalog/beta/", back.get("href")) == "catalog/"


def entries_of(document: Element) -> dict[str, Element]:
    """The index entries of a page, by slug."""
    return {entry.get("data-chatmode"): entry for entry in content(document).find_all(data_chatmode=True)}


def test_the_home_option_makes_the_index_the_home_page(make_project) -> None:
    project = make_project(plugin_options={"home": True})
    result = build(project, strict=True)
    assert result.ok, result.log
    home = read_page(result.site, "")
    entries = entries_of(home)
    assert set(entries) == SLUGS
    for slug, entry in entries.items():
        target = resolve("", entry.find("a").get("href"))
        assert target == f"catalog/{slug}/" and page_path(result.site, target).is_file()
    assert content(home).find("input", type="search") is not None
    # The contract's catalog/ stays, and mode pages lead back to the home page.
    assert set(entries_of(read_page(result.site, "catalog/"))) == SLUGS
    back = content(read_page(result.site, "catalog/alpha/")).find("a", data_cmr_back=True)
    assert resolve("catalog/alpha/", back.get("href")) == ""


def test_without_the_home_option_the_home_page_is_the_sites_own(clean_build: BuildResult) -> None:
    assert not entries_of(read_page(clean_build.site, ""))


def test_index_entries_carry_their_kind_and_one_set_of_install_templates(clean_build: BuildResult) -> None:
    article = content(read_page(clean_build.site, "catalog/"))
    entries = entries_of(read_page(clean_build.site, "catalog/"))
    kinds = {slug: entry.find("i").text() for slug, entry in entries.items()}
    assert kinds == {"alpha": "chat mode", "beta": "agent", "gamma": "chat mode"}
    # The install links are templates on the list, not copies on every entry: the script puts
    # each slug in; done here by hand, they are the links of the chat mode pages.
    holder = article.find(data_cmr_install=True)
    templates = json.loads(holder.get("data-cmr-install"))
    for slug, suffix, kind in (("alpha", ".chatmode.md", "chatmode"), ("beta", ".agent.md", "agent")):
        page = content(read_page(clean_build.site, f"catalog/{slug}/"))
        hrefs = [a.get("href") for a in page.find_all("a", cls="cmr-install")]
        assert [t.replace("cmr-slug-marker", slug) for t in templates[kind]] == hrefs
        raw = quote(f"{SITE_URL}catalog/{slug}/{slug}{suffix}", safe="")
        assert raw in hrefs[0]


def test_index_entries_come_in_name_order(make_project) -> None:
    modes = {
        "zulu.chatmode.md": "---\ndescription: Z.\n---\n# Zulu\n",
        "alpha.chatmode.md": "---\nname: yankee\ndescription: Y.\n---\n# Y\n",
        "mike.agent.md": "---\ndescription: M.\n---\n# Mike\n",
    }
    result = build(make_project(modes), strict=True)
    assert result.ok, result.log
    assert list(entries_of(read_page(result.site, "catalog/"))) == ["mike", "alpha", "zulu"]
