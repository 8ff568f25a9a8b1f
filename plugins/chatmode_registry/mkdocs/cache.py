"""What one build computed that the next build can reuse (``mkdocs serve`` rebuilds).

``mkdocs serve`` rebuilds the whole site after every change, in the same process. Most of
the plugin's time goes into converting chat mode bodies to HTML and drawing neighbourhood
graphs, and after a one-file edit almost all of those are the same as before. The plugin
keeps one :class:`BuildCache` for its lifetime (it defines ``on_startup``, so MkDocs keeps
the same plugin instance across rebuilds) and looks results up by a key made of everything
the result depends on: for a body, its text's SHA-256 and the Markdown configuration; for
a drawing, its nodes, edges and options. A changed input is a new key, so nothing stale can
be served; entries a build did not use are dropped after it, so memory stays at one build.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import jinja2
import jinja2.bccache


class BuildCache:
    """A key/value store whose entries live as long as consecutive builds use them."""

    def __init__(self) -> None:
        self._entries: dict[Hashable, Any] = {}
        self._used: set[Hashable] = set()
        self.hits = 0
        self.misses = 0
        #: ``(hits, misses)`` of the build that ended last.
        self.last_build = (0, 0)

    def get(self, key: Hashable) -> Any | None:
        """The value stored under ``key`` (marked as used by this build), or ``None``."""
        value = self._entries.get(key)
        if value is None:
            self.misses += 1
            return None
        self.hits += 1
        self._used.add(key)
        return value

    def put(self, key: Hashable, value: Any) -> None:
        """Store ``value`` (not ``None``) under ``key`` for this build and the next."""
        self._entries[key] = value
        self._used.add(key)

    def end_build(self) -> None:
        """Forget what this build did not use; start counting the next build."""
        self._entries = {key: value for key, value in self._entries.items() if key in self._used}
        self._used = set()
        self.last_build = (self.hits, self.misses)
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)


class TemplateCache(jinja2.BytecodeCache):
    """Compiled Jinja templates, kept across the rebuilds of ``mkdocs serve``.

    MkDocs makes a new template environment for every build, so every template of the theme
    would be compiled again after each change. Jinja checks each kept template against its
    source's checksum, so an edited template is compiled afresh.
    """

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()
