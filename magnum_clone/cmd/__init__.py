"""Console scripts. Each takes the usual oslo ``--config-file`` / ``--config-dir``."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from oslo_log import log

from magnum_clone.conf import CONF


def prepare(argv: Sequence[str] | None = None, *, description: str = "") -> None:
    """Parse config and command line, set up logging."""
    CONF(list(sys.argv[1:] if argv is None else argv), project="magnum-clone",
         description=description)
    log.setup(CONF, "magnum-clone")
    logging.getLogger("magnum_clone").setLevel(logging.INFO)
