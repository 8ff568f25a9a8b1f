"""chatmode-registry: validate, lint, diff, publish and install Copilot chat modes.

The package is layered so that data flows one way:

- ``core``: files -> records -> catalog (graph + diagnostics) -> diffs; no MkDocs import.
- ``render``: catalog -> catalog.json, pages, SVG, CLI output.
- ``mkdocs``: the thin MkDocs / ProperDocs plugin adapter.
- ``cli``: the ``chatmodes`` command.
"""

__version__ = "0.1.0"
