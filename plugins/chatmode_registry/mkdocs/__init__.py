"""The MkDocs / ProperDocs adapter: a thin event layer over the core and the renderers."""
