"""The exit codes every ``chatmodes`` command returns (contract: "Diagnostics and the CLI")."""

#: Success; for ``validate``: no errors (nor warnings with ``--strict``).
EXIT_OK = 0
#: Findings or failures: errors found, files refused, not everything up to date (``status``).
#: ``update`` uses it only when an update it should make fails, never for files it may not
#: touch (locally modified without ``--force``, unknown, removed): those are listed, exit 0.
EXIT_FAILED = 1
#: Usage errors, missing paths and unreachable sites (argparse exits with it too).
EXIT_USAGE = 2
