"""Entry script for the PyInstaller bundle (build.spec): the `kaoping-desktop` console script.

No arguments opens the window; a subcommand runs headless (kaoping_desktop/cli/main.py).
"""

import multiprocessing
import sys

from kaoping_desktop.cli.main import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # harmless if unused; required on Windows if ever used
    sys.exit(main())
