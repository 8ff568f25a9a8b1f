"""The core: plain Python that turns chat mode files into a checked catalog. No MkDocs here."""
