"""``python -m destinations.pardot.emulator``: the same as ``actions emulate pardot``."""

import sys

from . import main

sys.exit(main())
