"""Entry point of the bundled app: the same CLI as ``loyalty-desktop`` (no arguments → the window)."""

import sys

from loyalty_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
