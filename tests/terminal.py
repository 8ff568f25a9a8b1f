"""Reading what a process wrote to a pseudo-terminal, for the CLI tests."""

from __future__ import annotations

import os


def drain(controller: int) -> bytes:
    """Everything written to the pseudo-terminal whose controlling side is ``controller``,
    until the process closes it; closes ``controller``."""
    written = b""
    while True:
        try:
            data = os.read(controller, 65536)
        except OSError:  # the terminal closed: the process is done with it
            break
        if not data:
            break
        written += data
    os.close(controller)
    return written
