"""``python -m framework.cli``: the same command as the ``actions`` console script."""

import sys

from framework.cli import main

sys.exit(main())
