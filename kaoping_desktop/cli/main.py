"""Entry point: no arguments opens the window, a subcommand runs headless."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from .commands import run

    return run(sys.argv[1:] if argv is None else argv)
