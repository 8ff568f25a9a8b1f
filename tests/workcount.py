"""Counting the work the package does on an input, without a timer (#14 findings 3 and 11).

:func:`work_counter` wraps every compiled pattern of the package (and its modules' ``re``)
so that each call adds the characters it was asked to look at, and traces the Python lines
run in the package. Tests compare the work at ``n`` and ``2 n``: linear work at most doubles.
Characters handled inside C functions other than regular expressions (``str.find``, slicing)
are not seen; the hostile benchmark times those.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import chatmode_registry

PACKAGE = Path(chatmode_registry.__file__).parent
#: Every module of the package (``__main__`` runs the CLI when imported; it has no pattern).
MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="chatmode_registry.")
    if not info.name.endswith(".__main__")
)


class Work:
    """Characters handed to regular expressions and Python lines run in the package."""

    def __init__(self) -> None:
        self.characters = 0
        self.lines = 0

    @property
    def total(self) -> int:
        return self.characters + self.lines


class CountingPattern:
    """A compiled pattern that counts the characters it is asked to look at.

    A search looks at the text from ``pos`` to the end of what it found (to ``endpos`` when it
    finds nothing); an anchored match is counted by what it matched (its cost when it fails is
    bounded by the audit above); the other methods read all of their text."""

    def __init__(self, pattern: re.Pattern[str], counter: Callable[[], Work | None]) -> None:
        self._pattern = pattern
        self._counter = counter
        self.pattern, self.flags, self.groups, self.groupindex = (
            pattern.pattern,
            pattern.flags,
            pattern.groups,
            pattern.groupindex,
        )

    def _add(self, amount: int) -> None:
        work = self._counter()
        if work is not None:
            work.characters += max(amount, 0) + 1

    @staticmethod
    def _span(string: str, pos: int = 0, endpos: int | None = None) -> int:
        return min(len(string), sys.maxsize if endpos is None else endpos) - pos

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        found = self._pattern.search(string, pos, endpos)
        self._add(found.end() - pos if found else self._span(string, pos, endpos))
        return found

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        found = self._pattern.match(string, pos, endpos)
        self._add(found.end() - pos if found else 0)
        return found

    def fullmatch(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        found = self._pattern.fullmatch(string, pos, endpos)
        self._add(found.end() - pos if found else 0)
        return found

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        self._add(self._span(string, pos, endpos))
        return self._pattern.finditer(string, pos, endpos)

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list:
        self._add(self._span(string, pos, endpos))
        return self._pattern.findall(string, pos, endpos)

    def sub(self, repl, string: str, count: int = 0):
        self._add(len(string))
        return self._pattern.sub(repl, string, count)

    def subn(self, repl, string: str, count: int = 0):
        self._add(len(string))
        return self._pattern.subn(repl, string, count)

    def split(self, string: str, maxsplit: int = 0) -> list:
        self._add(len(string))
        return self._pattern.split(string, maxsplit)


class _Counting:
    """Holds the current :class:`Work` (None between measurements)."""

    work: Work | None = None


def _counting_re(counter: Callable[[], Work | None]) -> types.SimpleNamespace:
    """A stand-in for the ``re`` module whose functions count like :class:`CountingPattern`."""
    shim = types.SimpleNamespace(**{name: getattr(re, name) for name in dir(re) if not name.startswith("__")})

    def compile_(pattern: str, flags: int = 0) -> CountingPattern:
        return CountingPattern(re.compile(pattern, flags), counter)

    shim.compile = compile_
    for method in ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split"):

        def call(pattern: str, *args, _method: str = method, flags: int = 0, **kwargs):
            return getattr(compile_(pattern, flags), _method)(*args, **kwargs)

        setattr(shim, method, call)
    return shim


@contextmanager
def work_counter() -> Iterator[Callable[[Callable[[], object]], Work]]:
    """While open, every pattern of the package counts; yields ``measure(run)``: the work
    ``run()`` does in the package (regex characters and Python lines)."""
    state = _Counting()
    counter = lambda: state.work  # noqa: E731
    package = str(PACKAGE)
    with pytest.MonkeyPatch.context() as patch:
        for name in MODULES:
            module = importlib.import_module(name)
            for value_name, value in list(vars(module).items()):
                if isinstance(value, re.Pattern):
                    patch.setattr(module, value_name, CountingPattern(value, counter))
                elif value is re:
                    patch.setattr(module, value_name, _counting_re(counter))

        def local(frame: types.FrameType, event: str, arg: object):
            if event == "line" and state.work is not None:
                state.work.lines += 1
            return local

        def tracer(frame: types.FrameType, event: str, arg: object):
            return local if frame.f_code.co_filename.startswith(package) else None

        def measure(run: Callable[[], object]) -> Work:
            state.work = Work()
            previous = sys.gettrace()
            sys.settrace(tracer)
            try:
                run()
            finally:
                sys.settrace(previous)
                work, state.work = state.work, None
            assert work is not None
            return work

        yield measure
