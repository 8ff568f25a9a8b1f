"""MkDocs hook for this site: fills the reference page from the shipped schema and rules."""

from chatmode_registry.render.reference import reference_markdown

MARKER = "<!-- chatmodes:reference -->"


def on_page_markdown(markdown, page, **kwargs):
    """Replace the marker on the reference page with the generated tables."""
    if MARKER in markdown:
        return markdown.replace(MARKER, reference_markdown())
    return markdown
