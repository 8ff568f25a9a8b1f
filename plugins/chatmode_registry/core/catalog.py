"""Building a catalog: files -> checked chat mode records -> resolved transition graph.

One pass over the files, then one pass over the transitions with dictionary look-ups: the
cost is linear in the number of files and transitions.
"""

from __future__ import annotations

import dataclasses
import gc
import posixpath
from collections.abc import Hashable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any, Protocol

from chatmode_registry.core import confusables, filenames, rules, vscode
from chatmode_registry.core.frontmatter import HeaderError, parse_header, split
from chatmode_registry.core.identity import assign_slugs, choose_name, close_names, heading_name, slugify
from chatmode_registry.core.model import (
    VIA_HANDOFF,
    VIA_SUBAGENT,
    Catalog,
    ChatMode,
    Diagnostic,
    ProgressCallback,
    Rejected,
    Severity,
    Transition,
)
from chatmode_registry.core.reader import DEFAULT_MAX_BYTES, SourceFile, discover, read_source
from chatmode_registry.core.transitions import handoff_transitions, prose_transitions, subagent_transitions
from chatmode_registry.core.workspace import (
    DIALECT_CLAUDE,
    DIALECT_VSCODE,
    WorkspaceFile,
    claude_false_alarm,
    workspace_format,
)


def load_catalog(
    source: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    jobs: int = 1,
    content: bool = True,
    progress: ProgressCallback | None = None,
    parsed: ParsedFiles | None = None,
) -> Catalog:
    """Read every chat mode under the folder ``source`` into a catalog.

    Diagnostic paths are POSIX paths relative to ``source``; a dangling transition is an error.
    A missing folder gives an empty catalog. ``jobs``, ``content``, ``progress`` and ``parsed``:
    see :func:`build_catalog`.
    """
    source = Path(source)
    if not source.is_dir():
        return Catalog([], [])
    files = [(path, path.relative_to(source).as_posix()) for path in discover(source)]
    return build_catalog(
        files,
        root=source,
        max_bytes=max_bytes,
        dangling=Severity.ERROR,
        jobs=jobs,
        content=content,
        progress=progress,
        parsed=parsed,
    )


def load_files(
    paths: Iterable[Path], *, max_bytes: int = DEFAULT_MAX_BYTES, progress: ProgressCallback | None = None
) -> Catalog:
    """Check single files named on the command line, together.

    Their neighbours may live elsewhere, so a dangling transition is only ``info``. A file in a
    folder VS Code reads (``core.workspace``) is read as VS Code reads it there (a plain ``.md``
    agent, Claude's format in ``.claude/agents``). ``progress``: see :func:`build_catalog`.
    """
    files = [(Path(path), Path(path).as_posix()) for path in paths]
    formats = {source: found for path, source in files if (found := workspace_format(path)) is not None}
    return build_catalog(
        files, root=None, max_bytes=max_bytes, dangling=Severity.INFO, progress=progress, formats=formats
    )


def load_workspace(
    files: Iterable[WorkspaceFile],
    *,
    site: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: ProgressCallback | None = None,
) -> Catalog:
    """Check the files of a workspace (``core.workspace``) together, as one whole.

    Each file is read as its folder makes VS Code read it (a plain ``.md`` agent, the Claude
    format in ``.claude/agents``) and must stay inside its folder. A transition to a mode that
    is not there is ``info`` naming the command that installs it (``site``: the default site,
    when the workspace has one), never an error: the mode may simply not be installed.
    """
    listed = list(files)
    return build_catalog(
        [(file.path, file.source) for file in listed],
        root=tuple(dict.fromkeys(file.folder for file in listed)),
        max_bytes=max_bytes,
        dangling=Severity.INFO,
        progress=progress,
        formats={file.source: (file.suffix, file.dialect) for file in listed},
        not_installed=_InstallAdvice(site),
    )


@dataclasses.dataclass(frozen=True)
class _InstallAdvice:
    """How a workspace reports a transition to a mode it does not have: the install command."""

    site: str | None

    def message(self, kind: str, text: str, name_hint: tuple[str, str] | None) -> str:
        """CM302 in a workspace: a mode that is not installed, or a name VS Code will not match."""
        if name_hint is not None:
            return (
                f"{kind} to '{text}' matches no installed agent: {name_hint[0]}, and {EXACT_NAME_RULE}, "
                "so VS Code does not follow it; report it to the registry that publishes this file"
            )
        slug = slugify(text) or "SLUG"
        if self.site is not None:
            return (
                f"{kind} to '{text}' is not installed in this workspace; install it from {self.site} "
                f"with `chatmodes install {slug}`"
            )
        return (
            f"{kind} to '{text}' is not installed in this workspace; if a registry publishes it, install "
            f"it with `chatmodes install {slug} --from SITE`"
        )


#: Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 1000


def build_catalog(
    files: list[tuple[Path, str]],
    *,
    root: Path | tuple[Path, ...] | None,
    max_bytes: int,
    dangling: Severity,
    jobs: int = 1,
    content: bool = True,
    progress: ProgressCallback | None = None,
    parsed: ParsedFiles | None = None,
    formats: Mapping[str, tuple[str, str]] | None = None,
    not_installed: _InstallAdvice | None = None,
) -> Catalog:
    """Read, check and link ``(path, source name)`` pairs given in source order.

    ``jobs`` > 1 reads large inputs in that many processes. ``content=False`` drops each
    record's bytes and body once it is checked (for callers that only want diagnostics):
    records then cross process boundaries cheaply.

    ``progress(done, total)``, when given, is called as files are read and checked (the part
    whose cost grows with the files): after each file in one process, after each finished chunk
    of files in several; ``done`` grows and its last value is ``total``, the number of files.
    Each call should be cheap (throttling output is the caller's business). Linking, which
    follows, is not counted.

    ``parsed``, when given, keeps each file as read and checked on its own, by its name and
    bytes, for the next call (``mkdocs serve`` rebuilds): a file read before is not parsed
    again (naming and linking, which depend on the other files, always run).

    ``root``: the folder (or folders, checked together) every file must stay inside;
    ``formats``: ``(suffix, dialect)`` by source name, for the files of a workspace that are
    not read by their name alone; ``not_installed``: report dangling targets as modes a
    workspace has not installed (:func:`load_workspace`).
    """
    # Building makes millions of small objects and frees none of them: the cyclic
    # collector would only rescan them again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        records = _read_all(files, root, max_bytes, jobs, content, progress, parsed, formats)
        modes = [record for record in records if isinstance(record, ChatMode)]
        rejected = [record for record in records if isinstance(record, Rejected)]
        _name(modes)
        _report_unportable_names(modes, rejected)
        catalog = Catalog(modes, rejected, files=len(files))
        _link(catalog, dangling, not_installed)
    finally:
        if collecting:
            gc.enable()
    return catalog


def _read_all(
    files: list[tuple[Path, str]],
    root: Path | tuple[Path, ...] | None,
    max_bytes: int,
    jobs: int,
    content: bool,
    progress: ProgressCallback | None,
    parsed: ParsedFiles | None = None,
    formats: Mapping[str, tuple[str, str]] | None = None,
) -> list[ChatMode | Rejected]:
    if jobs <= 1 or len(files) < PARALLEL_THRESHOLD or parsed is not None or formats:
        return _read_chunk(files, root, max_bytes, content, progress, parsed, formats)
    rules.warm_up()  # compiled once here, inherited by forked workers
    size = -(-len(files) // (jobs * 4))
    chunks = [files[start : start + size] for start in range(0, len(files), size)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        parts = [pool.submit(_read_chunk, chunk, root, max_bytes, content) for chunk in chunks]
        if progress is not None:
            sizes = {part: len(chunk) for part, chunk in zip(parts, chunks, strict=True)}
            done = 0
            for finished in as_completed(parts):
                done += sizes[finished]
                progress(done, len(files))
        return [record for part in parts for record in part.result()]


def _read_chunk(
    files: list[tuple[Path, str]],
    root: Path | tuple[Path, ...] | None,
    max_bytes: int,
    content: bool,
    progress: ProgressCallback | None = None,
    parsed: ParsedFiles | None = None,
    formats: Mapping[str, tuple[str, str]] | None = None,
) -> list[ChatMode | Rejected]:
    """Read and check ``files`` in order; ``progress`` is called after each (in one process only:
    a callback does not cross into the workers)."""
    records: list[ChatMode | Rejected] = []
    for done, (path, source) in enumerate(files, start=1):
        try:
            unsafe = rules.check_unsafe_name(source)
            suffix, dialect = (
                formats.get(source, (None, DIALECT_VSCODE)) if formats else (None, DIALECT_VSCODE)
            )
            result = unsafe or read_source(
                path, source, root=root, max_bytes=max_bytes, suffix=suffix, dialect=dialect
            )
            if isinstance(result, Diagnostic):
                # An unsafe name is never read, and the record carries it escaped.
                record: ChatMode | Rejected = Rejected(result.path, [result])
            elif parsed is None:
                record = read_chatmode(result)
            else:
                key = ("parsed", source, result.sha256, max_bytes)
                kept = parsed.get(key)
                if kept is None:
                    kept = read_chatmode(result)
                    parsed.put(key, _unlinked_copy(kept))
                record = _unlinked_copy(kept)
        except Exception as error:
            record = unexpected_failure(source, error)
        if not content and isinstance(record, ChatMode):
            record.raw, record.body = b"", ""
        records.append(record)
        if progress is not None:
            progress(done, len(files))
    return records


class ParsedFiles(Protocol):
    """Where :func:`build_catalog` keeps files as read and checked (a ``BuildCache``)."""

    def get(self, key: Hashable) -> Any | None: ...

    def put(self, key: Hashable, value: Any) -> None: ...


def _unlinked_copy(record: ChatMode | Rejected) -> ChatMode | Rejected:
    """A copy of a file as read and checked that naming and linking may change (they set
    names and slugs, resolve transitions and add diagnostics) without changing the original."""
    if isinstance(record, Rejected):
        return Rejected(record.source, list(record.diagnostics))
    return dataclasses.replace(
        record,
        transitions=[dataclasses.replace(transition) for transition in record.transitions],
        diagnostics=list(record.diagnostics),
    )


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
    if not file.text.strip():
        # VS Code loads an empty file as an agent with no header and no body: publish it, and
        # say so once instead of also reporting the missing description and instructions.
        return ChatMode(
            source=path,
            raw=file.raw,
            sha256=file.sha256,
            suffix=file.suffix,
            header={},
            header_lines={},
            body=file.text,
            body_line=1,
            diagnostics=[
                rules.make(
                    "CM002",
                    path,
                    None,
                    "file is empty: it is published, and VS Code loads it as an agent with no header "
                    "and no instructions; write a header and instructions, or delete it",
                )
            ],
        )
    original = file.raw.decode("utf-8-sig") if b"\r" in file.raw else None
    text_findings = rules.check_file_name(path) + rules.check_text(path, file.text, original)
    try:
        parts = split(file.text)
        header = parse_header(parts.header, 2, parts.header_offset) if parts.header is not None else None
    except HeaderError as error:
        return Rejected(path, [rules.make(error.code, path, error.line, error.message), *text_findings])
    if header is None:
        findings = rules.check_undelimited(path, file.text)
        data, read_as_text = rules.read_scalars_as_text({}, [])
        lines, item_lines = {}, {}
    else:
        data, read_as_text = rules.read_scalars_as_text(header.data, header.typed_scalars)
        lines, item_lines = header.lines, header.item_lines
        findings = rules.check_schema(path, data, lines)
        if findings:
            return Rejected(path, findings + text_findings)
    findings += rules.check_header(
        path, data, lines, item_lines, header.loose_booleans if header is not None else None
    )
    if parts.header is not None:
        findings += rules.check_scalars_read_as_text(path, read_as_text)
        findings += rules.check_hidden_values(path, data, lines, parts.header)
    findings += rules.check_body(path, parts.body, parts.body_line)
    findings += text_findings
    if file.dialect == DIALECT_CLAUDE:
        findings = [d for d in findings if not claude_false_alarm(d, data, lines, item_lines)]
    transitions = (
        handoff_transitions(data, item_lines)
        + subagent_transitions(data, item_lines)
        + prose_transitions(parts.body, parts.body_line)
    )
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


def _report_unportable_names(modes: list[ChatMode], rejected: list[Rejected]) -> None:
    """CM309 on every file whose path or slug Windows cannot hold, and on every file whose path
    differs from another's only by case (one file on macOS and Windows: a checkout keeps one)."""
    records: list[ChatMode | Rejected] = [*modes, *rejected]
    by_key: dict[str, list[ChatMode | Rejected]] = {}
    for record in records:
        if any(diagnostic.code == "CM010" for diagnostic in record.diagnostics):
            continue  # an unsafe name is reported as such, and shown escaped
        by_key.setdefault(filenames.case_key(record.source), []).append(record)
        problem = filenames.portability_problem(record.source)
        if problem is None and isinstance(record, ChatMode):
            problem = filenames.portability_problem(record.filename)
            if problem is not None:
                problem = f"its slug gives the page folder '{record.slug}/' and the file {problem}"
        if problem is not None:
            record.diagnostics.append(
                rules.make(
                    "CM309",
                    record.source,
                    None,
                    f"{problem}: Windows cannot create it, so a checkout or an install fails there; "
                    "rename the file",
                )
            )
    for group in by_key.values():
        if len(group) < 2:
            continue
        for record in group:
            others = rules.capped_list([other.source for other in group if other is not record])
            record.diagnostics.append(
                rules.make(
                    "CM309",
                    record.source,
                    None,
                    f"the path differs from {others} only by case: macOS and Windows keep one of them "
                    "(a checkout or an install loses the other); rename one",
                )
            )


def _folder_parts(folder: str) -> list[str]:
    return [part for part in folder.split("/") if part]


class _FolderNode:
    """A folder in :class:`_NameMatches`' tree: the fewest steps down from it to a candidate,
    how many candidates are that near, and the first of them (by catalog order)."""

    __slots__ = ("children", "count", "down", "first")

    def __init__(self) -> None:
        self.children: dict[str, _FolderNode] = {}
        self.down = -1
        self.count = 0
        self.first = 0

    def add(self, down: int, index: int) -> None:
        if self.down < 0 or down < self.down:
            self.down, self.count, self.first = down, 1, index
        elif down == self.down:
            self.count += 1


class _NameMatches:
    """The chat modes a prose text key matches: its exact slug, the others by name, and a tree
    of the named ones' folders, so the nearest to a referring folder is found by walking that
    folder's path (work linear in its depth) instead of measuring every candidate for every
    referrer. The distance between two folders is the number of steps up and down between them."""

    def __init__(self, exact: ChatMode | None, by_name: list[ChatMode]) -> None:
        self.exact = exact
        self.named = [other for other in by_name if other is not exact]
        self.candidates = [exact, *self.named] if exact is not None else self.named
        self.root = _FolderNode()
        for index, mode in enumerate(self.named):
            parts = _folder_parts(posixpath.dirname(mode.source))
            node = self.root
            node.add(len(parts), index)
            for depth, part in enumerate(parts, start=1):
                node = node.children.setdefault(part, _FolderNode())
                node.add(len(parts) - depth, index)

    def nearest(self, folder: str) -> tuple[ChatMode, bool]:
        """The nearest named mode to ``folder`` (the first by catalog order among the equally
        near) and whether others are as near. A candidate is counted only at the folder where
        its path leaves ``folder``'s: through any higher folder its distance is larger."""
        parts = _folder_parts(folder)
        node: _FolderNode | None = self.root
        best_distance, best_index, tied_count = -1, 0, 0
        for depth in range(len(parts) + 1):
            if node is None:
                break
            distance = len(parts) - depth + node.down
            if best_distance < 0 or distance < best_distance:
                best_distance, best_index, tied_count = distance, node.first, node.count
            elif distance == best_distance:
                best_index = min(best_index, node.first)
                tied_count += node.count
            node = node.children.get(parts[depth]) if depth < len(parts) else None
        return self.named[best_index], tied_count > 1


class _Suggestions:
    """Close names for a dangling target, looked up among names sharing its first letters so
    that a catalog full of dangling links stays linear instead of comparing every pair."""

    def __init__(self, names: Iterable[str]) -> None:
        self.by_prefix: dict[str, list[str]] = {}
        for name in sorted(set(names)):
            self.by_prefix.setdefault(slugify(name)[:2], []).append(name)

    def closest(self, text: str) -> str | None:
        pool = self.by_prefix.get(slugify(text)[:2], [])[:200]
        close = close_names(text, pool)
        return close[0] if close else None


def _sources(modes: list[ChatMode]) -> str:
    """``'a.md', 'b.md' and 3 more`` for a message: only the first few are formatted, so the
    cost and the length do not grow with the list."""
    shown = ", ".join(f"'{mode.source}'" for mode in modes[: rules.MAX_LISTED])
    rest = len(modes) - rules.MAX_LISTED
    return f"{shown} and {rest:,} more" if rest > 0 else shown


class _Resolver:
    """Resolves transition targets and collects the diagnostics each choice owes.

    Handoff and subagent targets follow VS Code (exact agent name, built-ins first, then
    custom agents); prose targets the registry's forgiving slug/name matching. Every look-up
    is a dictionary access, so linking is linear in modes plus transitions.
    """

    def __init__(self, catalog: Catalog, dangling: Severity) -> None:
        self.catalog = catalog
        self.dangling = dangling
        self.by_agent_name: dict[str, list[ChatMode]] = {}
        self.by_folded_name: dict[str, list[ChatMode]] = {}
        self.by_slug: dict[str, ChatMode] = {}
        self.by_name_key: dict[str, list[ChatMode]] = {}
        for mode in catalog.chatmodes:
            self.by_agent_name.setdefault(mode.agent_name, []).append(mode)
            self.by_folded_name.setdefault(mode.agent_name.strip().casefold(), []).append(mode)
            self.by_slug[mode.slug] = mode
            for key in dict.fromkeys((slugify(mode.name), slugify(mode.agent_name))):
                if key:
                    self.by_name_key.setdefault(key, []).append(mode)
        self.suggestions = _Suggestions(
            [mode.name for mode in catalog.chatmodes] + [mode.agent_name for mode in catalog.chatmodes]
        )
        #: Ambiguous text key -> (its candidates, the message, every referrer). The candidates
        #: of a key are the same for every referrer, so each referrer costs the same small work
        #: and each candidate gets one capped diagnostic at the end, however many files refer to
        #: however many look-alikes.
        self.ambiguous: dict[str, tuple[list[ChatMode], str, list[tuple[ChatMode, Transition]]]] = {}
        #: Text key -> what it matches, worked out once for all the files that use the text.
        self.name_matches: dict[str, _NameMatches] = {}

    # -- VS Code's rule -------------------------------------------------------------------
    def vscode_target(self, mode: ChatMode, transition: Transition) -> ChatMode | None:
        """Resolve a handoff or subagent name exactly as VS Code does (see ``data/vscode.json``,
        ``agent_resolution``): built-in agents first, then the first custom agent of that name."""
        text = transition.text
        matches = self.by_agent_name.get(text, [])
        if vscode.builtin_agent_exact(text):
            transition.builtin = True
            if matches:
                mode.diagnostics.append(
                    rules.make(
                        "CM306",
                        mode.source,
                        transition.line,
                        f"'{text}' is VS Code's built-in {text} agent and also the name of "
                        f"{_sources(matches)}: VS Code looks up built-in agents first, so this "
                        f"{transition.via} goes to the built-in one",
                    )
                )
            return None
        if not matches:
            return None
        if len(matches) > 1:
            mode.diagnostics.append(
                rules.make(
                    "CM306",
                    mode.source,
                    transition.line,
                    f"'{text}' is the name of {_sources(matches)}: VS Code takes the first custom agent "
                    f"it lists with that name, which depends on where each file is installed; the "
                    f"registry links to '{matches[0].source}' (first by path): give each agent its own name",
                )
            )
        return matches[0]

    def vscode_hint(self, text: str) -> tuple[str, str] | None:
        """Why a name VS Code does not know is close to one it does (case, spaces, slug):
        ``(why, the exact name to write)``, or ``None``."""
        builtin = vscode.builtin_agent_named(text)
        if builtin:
            return f"the built-in agent is named '{builtin}' (case counts)", builtin
        folded = self.by_folded_name.get(text.strip().casefold(), [])
        if folded:
            return f"'{folded[0].source}' is named '{folded[0].agent_name}' (case and spaces count)", folded[
                0
            ].agent_name
        by_slug = self.by_slug.get(slugify(text))
        if by_slug is not None:
            return (
                f"'{by_slug.source}' is named '{by_slug.agent_name}' (a slug does not count)",
                by_slug.agent_name,
            )
        return None

    # -- the registry's forgiving prose rule --------------------------------------------------
    def prose_target(self, mode: ChatMode, transition: Transition) -> ChatMode | None:
        """An exact slug beats a name; among names the source's own folder, then the nearest
        path. Any choice between candidates is reported on the referrer and on each candidate."""
        key = slugify(transition.text)
        matches = self.name_matches.get(key)
        if matches is None:
            matches = self.name_matches[key] = _NameMatches(
                self.by_slug.get(key), self.by_name_key.get(key, [])
            )
        if matches.exact is not None:
            if matches.named:
                self._ambiguity(
                    mode, transition, key, matches.exact, matches.candidates, "an exact slug beats a name"
                )
            return matches.exact
        if not matches.named:
            return None
        if len(matches.named) == 1:
            return matches.named[0]
        best, tied = matches.nearest(posixpath.dirname(mode.source))
        reason = (
            "several are equally near, so the first by path was taken"
            if tied
            else "it is the nearest to the referring file"
        )
        self._ambiguity(mode, transition, key, best, matches.candidates, reason)
        return best

    def _ambiguity(
        self,
        mode: ChatMode,
        transition: Transition,
        key: str,
        chosen: ChatMode,
        candidates: list[ChatMode],
        reason: str,
    ) -> None:
        mode.diagnostics.append(
            rules.make(
                "CM305",
                mode.source,
                transition.line,
                f"'{transition.text}' matches {_sources(candidates)}; linked to '{chosen.source}' because "
                f"{reason}: name the target by its slug ('{chosen.slug}') and give the others distinct names",
            )
        )
        entry = self.ambiguous.get(key)
        if entry is None:
            message = (
                f"'{transition.text}' matches this chat mode and {len(candidates) - 1} other(s); "
                f"the registry links it to '{chosen.source}' because {reason}"
            )
            entry = self.ambiguous[key] = (candidates, message, [])
        entry[2].append((mode, transition))

    def report_ambiguities(self) -> None:
        """One CM305 per candidate file and ambiguous text, naming (capped) the referrers."""
        for candidates, message, referrers in self.ambiguous.values():
            shown = [f"'{source.source}' line {t.line}" for source, t in referrers[: rules.MAX_LISTED]]
            rest = len(referrers) - len(shown)
            where = ", ".join(shown) + (f" and {rest:,} more" if rest > 0 else "")
            for candidate in candidates:
                candidate.diagnostics.append(
                    rules.make("CM305", candidate.source, None, f"{message} (referred to from {where})")
                )


def _report_name_clashes(resolver: _Resolver) -> None:
    """CM306 on every mode whose VS Code name is a built-in agent's or another mode's."""
    for name, modes in resolver.by_agent_name.items():
        if vscode.builtin_agent_exact(name):
            for mode in modes:
                mode.diagnostics.append(
                    rules.make(
                        "CM306",
                        mode.source,
                        mode.header_lines.get("name"),
                        f"this agent's name '{name}' is also VS Code's built-in {name} agent: VS Code looks "
                        "up built-in agents first, so handoffs and agents lists naming it never reach "
                        "this file; rename it",
                    )
                )
        elif len(modes) > 1:
            first = modes[: rules.MAX_LISTED + 1]  # enough to name others for any mode, capped
            for mode in modes:
                shown = [other for other in first if other is not mode][: rules.MAX_LISTED]
                rest = len(modes) - 1 - len(shown)
                others = _sources(shown) + (f" and {rest:,} more" if rest > 0 else "")
                mode.diagnostics.append(
                    rules.make(
                        "CM306",
                        mode.source,
                        mode.header_lines.get("name"),
                        f"this agent's name '{name}' is shared with {others}: VS Code takes the "
                        "first custom agent it lists with that name, which depends on where each file is "
                        f"installed; the registry links to '{modes[0].source}' (first by path): give each "
                        "agent its own name",
                    )
                )


def _report_lookalikes(catalog: Catalog) -> None:
    """CM308 on every mode whose name (display or VS Code name) has the same UTS #39 skeleton
    as another mode's different name: ``Security Εngineer`` posing as ``Security Engineer``."""
    if len(catalog.chatmodes) < 2:
        return
    by_skeleton: dict[str, dict[str, list[ChatMode]]] = {}
    for mode in catalog.chatmodes:
        for name in dict.fromkeys((mode.name, mode.agent_name)):
            by_skeleton.setdefault(confusables.skeleton(name), {}).setdefault(name, []).append(mode)
    for names in by_skeleton.values():
        if len(names) < 2:
            continue
        members = {id(mode) for group in names.values() for mode in group}
        reported: set[int] = set()
        for name, modes in names.items():
            for mode in modes:
                if id(mode) in reported:
                    continue
                # Up to MAX_LISTED + 1 other modes, stopping early: linear in the group.
                shown: list[ChatMode] = []
                other_name = ""
                for other, group in names.items():
                    if other == name:
                        continue
                    for candidate in group:
                        if len(shown) > rules.MAX_LISTED:
                            break
                        if candidate is not mode:
                            other_name = other_name or other
                            shown.append(candidate)
                    if len(shown) > rules.MAX_LISTED:
                        break
                if not shown:
                    continue
                reported.add(id(mode))
                rest = len(members) - 1 - min(len(shown), rules.MAX_LISTED)
                where = ", ".join(f"'{m.source}'" for m in shown[: rules.MAX_LISTED])
                where += f" and {rest:,} more" if rest > 0 else ""
                what = ", ".join(confusables.differences(name, other_name)[:3]) or "look-alike characters"
                mode.diagnostics.append(
                    rules.make(
                        "CM308",
                        mode.source,
                        mode.header_lines.get("name"),
                        f"the name '{name}' looks like '{other_name}' ({where}) but differs in {what}: "
                        "readers cannot tell them apart; rename one of them",
                    )
                )


#: How a handoff or a subagent needs its target to be invocable (the flag VS Code reads), and
#: what CM307 says when it is not.
_INVOCATION_NEEDS: dict[str, tuple[str, str]] = {
    VIA_HANDOFF: (
        "user_invocable",
        "hands off to '{}', which has user-invocable: false: VS Code keeps it out of the agent "
        "picker, so users cannot pick it; hand off to an agent users can pick",
    ),
    VIA_SUBAGENT: (
        "model_invocable",
        "lists '{}' as a subagent, but it sets disable-model-invocation: true (or infer: false): "
        "VS Code does not run it as a subagent; remove it from agents",
    ),
}


def _check_invocable(mode: ChatMode, transition: Transition, target: ChatMode | None) -> None:
    """CM307 when a handoff or subagent names an agent that cannot be invoked that way."""
    needs = _INVOCATION_NEEDS.get(transition.via)
    if needs is None:
        return
    flag, message = needs
    if target is not None:
        invocable = bool(getattr(target, flag))
    else:
        invocable = vscode.builtin_agent_visibility(transition.text).get(flag, True)
    if not invocable:
        mode.diagnostics.append(
            rules.make("CM307", mode.source, transition.line, message.format(transition.text))
        )


#: Why a handoff or subagent must name its target exactly while prose need not (one rule each,
#: as docs/contributing.md explains).
EXACT_NAME_RULE = (
    "a handoff or subagent needs the agent's exact name, as VS Code matches it; only prose is matched loosely"
)


def _dangling_message(
    kind: str, text: str, name_hint: tuple[str, str] | None, suggestions: _Suggestions
) -> str:
    """CM302 in a catalog, as one sentence: what does not match, and the one way to fix it."""
    if name_hint is not None:
        why, name = name_hint
        return f"{kind} to '{text}' matches no agent name: {why}, and {EXACT_NAME_RULE}, so write '{name}'"
    close = suggestions.closest(text)
    if close:
        return (
            f"{kind} to '{text}' matches no chat mode in the catalog, so correct the name "
            f"(did you mean '{close}'?), add that chat mode, or remove the transition"
        )
    return (
        f"{kind} to '{text}' matches no chat mode in the catalog, so add that chat mode, correct the name, "
        "or remove the transition"
    )


def _link(catalog: Catalog, dangling: Severity, not_installed: _InstallAdvice | None = None) -> None:
    """Resolve every transition, record backlinks and the graph diagnostics."""
    resolver = _Resolver(catalog, dangling)
    incoming: dict[str, list[tuple[ChatMode, Transition]]] = {mode.slug: [] for mode in catalog.chatmodes}
    for mode in catalog.chatmodes:
        for transition in mode.transitions:
            exact = transition.via in (VIA_HANDOFF, VIA_SUBAGENT)
            best = (
                resolver.vscode_target(mode, transition) if exact else resolver.prose_target(mode, transition)
            )
            if exact:
                _check_invocable(mode, transition, best)
            if best is not None:
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
            elif transition.builtin or (not exact and vscode.is_builtin_agent(transition.text)):
                transition.builtin = True
                mode.diagnostics.append(
                    rules.make(
                        "CM304",
                        mode.source,
                        transition.line,
                        f"'{transition.text}' is VS Code's built-in "
                        f"{vscode.builtin_agent_named(transition.text) or transition.text.strip()} agent",
                    )
                )
            else:
                kind = {VIA_HANDOFF: "handoff", VIA_SUBAGENT: "subagent"}.get(transition.via, "transition")
                name_hint = resolver.vscode_hint(transition.text) if exact else None
                if not_installed is not None:
                    message = not_installed.message(kind, transition.text, name_hint)
                else:
                    message = _dangling_message(kind, transition.text, name_hint, resolver.suggestions)
                mode.diagnostics.append(
                    rules.make("CM302", mode.source, transition.line, message, severity=dangling)
                )
    resolver.report_ambiguities()
    _report_name_clashes(resolver)
    _report_lookalikes(catalog)
    catalog.incoming = incoming
    for mode in catalog.chatmodes:
        mode.diagnostics.sort(key=lambda d: (d.line or 0, d.code))
