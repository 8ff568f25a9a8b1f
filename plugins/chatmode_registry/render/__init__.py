"""Renderers: turn a catalog into catalog.json, HTML fragments, SVG and terminal output."""
