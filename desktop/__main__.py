"""`python -m desktop` runs the command line, as the `yanshou` command does."""

import sys

from desktop.cli import main

sys.exit(main())
