import sys

from chatmode_registry.cli import main

sys.exit(main())
