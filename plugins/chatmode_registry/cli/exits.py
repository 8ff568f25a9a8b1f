"""The exit codes every ``chatmodes`` command returns (contract: "Diagnostics and the CLI")."""

#: Success; for ``validate``: no errors (nor warnings with ``--strict``).
EXIT_OK = 0
#: Findings or failures: errors found, files refused, not everything up to date.
EXIT_FAILED = 1
#: Usage errors, missing paths and unreachable sites (argparse exits with it too).
EXIT_USAGE = 2
