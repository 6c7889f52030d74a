"""Preview the site while you edit it: `make serve` (or `make serve PORT=8123`).

    python scripts/serve.py                       # http://127.0.0.1:8000
    python scripts/serve.py --dev-addr 127.0.0.1:8123

The open page reloads by itself after every save in docs/, overrides/, scripts/ or
mkdocs.yml. Problems in the content never stop the preview: every page shows them at the
top, as `make validate` prints them (scripts/preview/).
"""

from __future__ import annotations

import argparse
import errno
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from mkdocs.__main__ import ColorFormatter
from mkdocs.exceptions import ConfigurationError

from preview.server import serve

ROOT = Path(__file__).resolve().parent.parent


def _log_like_mkdocs() -> None:
    logger = logging.getLogger("mkdocs")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    handler = logging.StreamHandler()
    handler.setFormatter(ColorFormatter())
    logger.addHandler(handler)
    # mkdocs-macros says which module and names it found, seven lines on every rebuild.
    logging.getLogger("mkdocs.plugins.mkdocs_macros").setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until Ctrl+C; returns the exit status."""
    parser = argparse.ArgumentParser(prog="serve.py", description=__doc__.splitlines()[0])
    parser.add_argument("--dev-addr", default="127.0.0.1:8000", metavar="HOST:PORT")
    args = parser.parse_args(argv)
    # A .pyc written into scripts/ would count as a change and rebuild once more.
    sys.dont_write_bytecode = True
    _log_like_mkdocs()
    try:
        serve(ROOT / "mkdocs.yml", args.dev_addr)
    except ConfigurationError as error:
        print(f"serve: mkdocs.yml cannot be used: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        if error.errno not in (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES):
            raise
        print(
            f"serve: cannot listen on {args.dev_addr}: {error.strerror}; "
            "choose another port, like `make serve PORT=8123`",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
