"""Building a catalog: files -> checked chat mode records -> resolved transition graph.

One pass over the files, then one pass over the transitions with dictionary look-ups: the
cost is linear in the number of files and transitions.
"""

from __future__ import annotations

import difflib
import gc
import posixpath
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from pathlib import Path

from chatmode_registry.core import rules, vscode
from chatmode_registry.core.frontmatter import HeaderError, parse_header, split
from chatmode_registry.core.identity import assign_slugs, choose_name, heading_name, slugify
from chatmode_registry.core.model import Catalog, ChatMode, Diagnostic, Rejected, Severity, Transition
from chatmode_registry.core.reader import DEFAULT_MAX_BYTES, SourceFile, discover, read_source
from chatmode_registry.core.transitions import handoff_transitions, prose_transitions


def load_catalog(
    source: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, jobs: int = 1, content: bool = True
) -> Catalog:
    """Read every chat mode under the folder ``source`` into a catalog.

    Diagnostic paths are POSIX paths relative to ``source``; a dangling transition is an error.
    A missing folder gives an empty catalog. ``jobs`` and ``content``: see :func:`build_catalog`.
    """
    source = Path(source)
    if not source.is_dir():
        return Catalog([], [])
    files = [(path, path.relative_to(source).as_posix()) for path in discover(source)]
    return build_catalog(
        files, root=source, max_bytes=max_bytes, dangling=Severity.ERROR, jobs=jobs, content=content
    )


def load_files(paths: Iterable[Path], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Catalog:
    """Check single files named on the command line, together.

    Their neighbours may live elsewhere, so a dangling transition is only ``info``.
    """
    files = [(Path(path), Path(path).as_posix()) for path in paths]
    return build_catalog(files, root=None, max_bytes=max_bytes, dangling=Severity.INFO)


#: Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 1000


def build_catalog(
    files: list[tuple[Path, str]],
    *,
    root: Path | None,
    max_bytes: int,
    dangling: Severity,
    jobs: int = 1,
    content: bool = True,
) -> Catalog:
    """Read, check and link ``(path, source name)`` pairs given in source order.

    ``jobs`` > 1 reads large inputs in that many processes. ``content=False`` drops each
    record's bytes and body once it is checked (for callers that only want diagnostics):
    records then cross process boundaries cheaply.
    """
    # Building makes millions of small objects and frees none of them: the cyclic
    # collector would only rescan them again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        records = _read_all(files, root, max_bytes, jobs, content)
        modes = [record for record in records if isinstance(record, ChatMode)]
        rejected = [record for record in records if isinstance(record, Rejected)]
        _name(modes)
        catalog = Catalog(modes, rejected, files=len(files))
        _link(catalog, dangling)
    finally:
        if collecting:
            gc.enable()
    return catalog


def _read_all(
    files: list[tuple[Path, str]], root: Path | None, max_bytes: int, jobs: int, content: bool
) -> list[ChatMode | Rejected]:
    if jobs <= 1 or len(files) < PARALLEL_THRESHOLD:
        return _read_chunk(files, root, max_bytes, content)
    rules.warm_up()  # compiled once here, inherited by forked workers
    size = -(-len(files) // (jobs * 4))
    chunks = [files[start : start + size] for start in range(0, len(files), size)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        parts = pool.map(_read_chunk, chunks, repeat(root), repeat(max_bytes), repeat(content))
        return [record for part in parts for record in part]


def _read_chunk(
    files: list[tuple[Path, str]], root: Path | None, max_bytes: int, content: bool
) -> list[ChatMode | Rejected]:
    records: list[ChatMode | Rejected] = []
    for path, source in files:
        try:
            result = read_source(path, source, root=root, max_bytes=max_bytes)
            record = Rejected(source, [result]) if isinstance(result, Diagnostic) else read_chatmode(result)
        except Exception as error:
            record = unexpected_failure(source, error)
        if not content and isinstance(record, ChatMode):
            record.raw, record.body = b"", ""
        records.append(record)
    return records


def unexpected_failure(source: str, error: BaseException) -> Rejected:
    """The last resort for one file: an error nobody foresaw rejects that file (CM009) instead
    of crashing the build or the command, so every other file is still published."""
    name = type(error).__name__
    return Rejected(
        source,
        [
            rules.make(
                "CM009",
                source,
                None,
                f"the registry failed while checking this file ({name}); the file is rejected: "
                "report it with the file to the registry's maintainers",
            )
        ],
    )


def read_chatmode(file: SourceFile) -> ChatMode | Rejected:
    """Parse and lint one decoded file, or reject it when its header cannot be used."""
    path = file.source
    text_findings = rules.check_text(path, file.text)
    try:
        parts = split(file.text)
        header = parse_header(parts.header, 2, parts.header_offset) if parts.header is not None else None
    except HeaderError as error:
        return Rejected(path, [rules.make(error.code, path, error.line, error.message), *text_findings])
    if header is None:
        findings = rules.check_undelimited(path, file.text)
        data, lines, item_lines = {}, {}, {}
    else:
        data, lines, item_lines = header.data, header.lines, header.item_lines
        findings = rules.check_schema(path, data, lines)
        if findings:
            return Rejected(path, findings + text_findings)
    findings += rules.check_header(path, data, lines, item_lines)
    findings += rules.check_body(path, parts.body, parts.body_line)
    findings += text_findings
    transitions = handoff_transitions(data, item_lines) + prose_transitions(parts.body, parts.body_line)
    return ChatMode(
        source=path,
        raw=file.raw,
        sha256=file.sha256,
        suffix=file.suffix,
        header=data,
        header_lines=lines,
        body=parts.body,
        body_line=parts.body_line,
        heading=heading_name(parts.body),
        transitions=transitions,
        diagnostics=findings,
    )


def _name(modes: list[ChatMode]) -> None:
    slugs, problems = assign_slugs([mode.stem for mode in modes])
    for index, mode in enumerate(modes):
        mode.slug = slugs[index]
        mode.name = choose_name(mode.header.get("name"), mode.heading, mode.slug)
        if index in problems:
            mode.diagnostics.append(
                rules.make(
                    "CM301",
                    mode.source,
                    None,
                    f"{problems[index]}; published as '{mode.slug}': rename the file",
                )
            )


def _distance(folder_a: str, folder_b: str) -> int:
    parts_a = [part for part in folder_a.split("/") if part]
    parts_b = [part for part in folder_b.split("/") if part]
    common = 0
    for a, b in zip(parts_a, parts_b):
        if a != b:
            break
        common += 1
    return len(parts_a) + len(parts_b) - 2 * common


class _Suggestions:
    """Close names for a dangling target, looked up among names sharing its first letters so
    that a catalog full of dangling links stays linear instead of comparing every pair."""

    def __init__(self, names: Iterable[str]) -> None:
        self.by_prefix: dict[str, list[str]] = {}
        for name in sorted(set(names)):
            self.by_prefix.setdefault(slugify(name)[:2], []).append(name)

    def closest(self, text: str) -> str | None:
        pool = self.by_prefix.get(slugify(text)[:2], [])[:200]
        close = difflib.get_close_matches(text, pool, n=1, cutoff=0.75)
        return close[0] if close else None


def _nearest(folder: str, matches: list[ChatMode]) -> tuple[ChatMode, list[ChatMode]]:
    """The match nearest to ``folder`` and every match as near as it (ties)."""
    if len(matches) == 1:
        return matches[0], matches
    distances = [(_distance(folder, posixpath.dirname(other.source)), other) for other in matches]
    nearest = min(distance for distance, _ in distances)
    tied = [other for distance, other in distances if distance == nearest]
    return tied[0], tied


def _link(catalog: Catalog, dangling: Severity) -> None:
    """Resolve every transition, record backlinks and the graph diagnostics."""
    candidates: dict[str, list[ChatMode]] = {}
    for mode in catalog.chatmodes:
        for key in dict.fromkeys((mode.slug, slugify(mode.name))):
            if key:
                candidates.setdefault(key, []).append(mode)
    suggestions = _Suggestions(mode.name for mode in catalog.chatmodes)
    incoming: dict[str, list[tuple[ChatMode, Transition]]] = {mode.slug: [] for mode in catalog.chatmodes}
    for mode in catalog.chatmodes:
        folder = posixpath.dirname(mode.source)
        for transition in mode.transitions:
            key = slugify(transition.text)
            matches = candidates.get(key, [])
            if matches:
                best, tied = _nearest(folder, matches)
                if len(tied) > 1:
                    names = ", ".join(f"'{other.source}'" for other in tied)
                    mode.diagnostics.append(
                        rules.make(
                            "CM305",
                            mode.source,
                            transition.line,
                            f"'{transition.text}' matches {names} equally; chose '{best.slug}': name the target by its slug",
                        )
                    )
                transition.target = best.slug
                incoming[best.slug].append((mode, transition))
                if best is mode:
                    mode.diagnostics.append(
                        rules.make(
                            "CM303",
                            mode.source,
                            transition.line,
                            f"'{transition.text}' is this chat mode itself: remove the transition",
                        )
                    )
            elif vscode.is_builtin_agent(transition.text):
                transition.builtin = True
                mode.diagnostics.append(
                    rules.make(
                        "CM304",
                        mode.source,
                        transition.line,
                        f"'{transition.text}' is VS Code's built-in {transition.text.strip().lower()} agent",
                    )
                )
            else:
                close = suggestions.closest(transition.text)
                hint = f"did you mean '{close}'? " if close else ""
                mode.diagnostics.append(
                    rules.make(
                        "CM302",
                        mode.source,
                        transition.line,
                        f"transition to '{transition.text}' matches no chat mode in the catalog: {hint}"
                        "add it, correct the name, or remove the transition",
                        severity=dangling,
                    )
                )
    catalog.incoming = incoming
    for mode in catalog.chatmodes:
        mode.diagnostics.sort(key=lambda d: (d.line or 0, d.code))
