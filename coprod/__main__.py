"""``python -m coprod`` is the ``coprod`` command."""

import sys

from coprod.cli import main

sys.exit(main())
