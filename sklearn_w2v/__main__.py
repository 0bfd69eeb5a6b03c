"""``python -m sklearn_w2v``: the ``sklearn-w2v`` command (see :mod:`sklearn_w2v._cli`)."""

import sys

from ._cli import main

sys.exit(main())
