"""MkDocs hook for this site: fills the reference page from the shipped schema, the rules and
the plugin's options."""

from chatmode_registry.mkdocs.config import plugin_options
from chatmode_registry.render.reference import options_table, reference_markdown

MARKER = "<!-- chatmodes:reference -->"
OPTIONS_MARKER = "<!-- chatmodes:options -->"


def on_page_markdown(markdown, page, **kwargs):
    """Replace the markers on the reference page with the generated tables."""
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, reference_markdown())
    if OPTIONS_MARKER in markdown:
        markdown = markdown.replace(OPTIONS_MARKER, options_table(plugin_options()))
    return markdown
