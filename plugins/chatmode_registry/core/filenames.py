"""File names from untrusted places: which can be published, how to show them, which travel.

A name reaches the registry from the source tree (``os.walk`` hands over bytes that are not
UTF-8 as lone surrogates, ``\\udcff`` for ``\\xff``), from git history, from a baseline
``catalog.json`` and from a site's. A name that is not UTF-8 cannot be written into JSON or
HTML at all, and control characters (C0, DEL, C1) in a name rewrite a terminal or a log line:
:func:`name_problem` says what is wrong with such a name and :func:`escaped` shows it without
either danger. Nothing with such a name is published.

Names that are fine here can still fail elsewhere: Windows cannot hold a file or folder named
after a device (``CON``, ``NUL``, ``COM1``..., with or without an extension) or ending in a dot
or a space, and macOS and Windows do not tell names apart by case (:func:`portability_problem`,
:func:`case_key`). Those are warnings at build time and refusals at install time.
"""

from __future__ import annotations

import re
import unicodedata

#: Characters a published name must not hold: C0 controls, DEL, C1 controls and lone
#: surrogates (how Python carries bytes that are not UTF-8 in a file name). The same class is
#: the ``pattern`` of names in ``data/catalog.schema.json``; a test keeps the two in step.
UNSAFE_NAME_CHARACTERS = "\x00-\x1f\x7f-\x9f\ud800-\udfff"
_UNSAFE = re.compile(f"[{UNSAFE_NAME_CHARACTERS}]")

#: Names Windows gives to devices: a file or folder whose name, before its first dot and
#: without trailing spaces, is one of these (any case) cannot be created there. Windows also
#: reserves COM and LPT followed by a superscript digit.
WINDOWS_DEVICES = frozenset(
    ["con", "prn", "aux", "nul"]
    + [f"{port}{digit}" for port in ("com", "lpt") for digit in "123456789\u00b9\u00b2\u00b3"]
)

#: Characters Windows refuses in a file or folder name (besides controls).
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*\\]')


def _is_surrogate(char: str) -> bool:
    return "\ud800" <= char <= "\udfff"


def name_problem(name: str) -> str | None:
    """What makes ``name`` unpublishable (bytes that are not UTF-8, control characters), or
    ``None``. The first offending character is described; the name itself is not repeated."""
    match = _UNSAFE.search(name)
    if match is None:
        return None
    char = match.group()
    if _is_surrogate(char):
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for one undecodable byte
            return f"byte 0x{code - 0xDC00:02x} that is not UTF-8"
        return f"U+{code:04X}, a lone surrogate (not valid UTF-8)"
    return f"control character U+{ord(char):04X}"


def escaped(name: str) -> str:
    """``name`` as it may be shown anywhere: a byte that is not UTF-8 as ``\\xff``, a control
    character as ``\\n``, ``\\x1b`` or ``\\x85``, and (only in such a name, so that the escapes are not
    ambiguous) a backslash as ``\\\\``. A safe name is returned as it is."""
    if _UNSAFE.search(name) is None:
        return name
    return _UNSAFE.sub(_escape_one, name.replace("\\", "\\\\"))


def _escape_one(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    # As the build log writes them (render.diagnostics.terminal_safe): \n, \x1b, \x85, \udc00.
    return match.group().encode("unicode_escape").decode("ascii")


def portability_problem(path: str) -> str | None:
    """Why a POSIX path cannot be checked out or installed on Windows, or ``None``: a part
    named after a device (``con``, ``nul.txt``, ``COM1.agent.md``), ending in a dot or a
    space, or holding a character Windows refuses."""
    for part in path.split("/"):
        if part in ("", ".", ".."):  # not names: the root, this folder, the parent
            continue
        device = part.split(".", 1)[0].rstrip(" ").lower()
        if device in WINDOWS_DEVICES:
            return f"'{part}' is a Windows device name ({device.upper()})"
        if part.endswith((".", " ")):
            return f"'{part}' ends in a {'dot' if part.endswith('.') else 'space'}"
        forbidden = _WINDOWS_FORBIDDEN.search(part)
        if forbidden is not None:
            return f"'{part}' holds {forbidden.group()!r}, which Windows does not allow in a name"
    return None


def case_key(path: str) -> str:
    """What a case-insensitive file system (macOS, Windows) compares: two paths with the same
    key are one file there. macOS also equates the composed and decomposed forms of accents."""
    return unicodedata.normalize("NFC", path).casefold()
