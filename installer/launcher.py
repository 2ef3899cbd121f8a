"""Entry point of the bundled app: the same CLI as ``loyalty-desktop`` (no arguments → the window).

The Windows build is windowed (no console window flashes up for shop owners), so it has no stdout.
When it is started from a terminal with arguments (``--version``, ``--self-test``, ``info``…), attach
to that terminal's console so the output is visible there. Without arguments (the shortcuts) it opens
the window directly, skipping the command-line parser.
"""

import sys


def _attach_parent_console() -> None:
    if sys.platform != "win32" or sys.stdout is not None or len(sys.argv) < 2:
        return
    try:
        import ctypes

        if not ctypes.windll.kernel32.AttachConsole(-1):  # ATTACH_PARENT_PROCESS
            return
        sys.stdout = open("CONOUT$", "w", encoding="utf-8", errors="replace")
        sys.stderr = open("CONOUT$", "w", encoding="utf-8", errors="replace")
    except Exception:  # noqa: BLE001 - no console is fine
        pass


def _main() -> int:
    if len(sys.argv) == 1:
        # Start menu / desktop shortcut / double-click: straight to the window. Same as the CLI's default
        # (``gui`` on LOYALTY_DB or the data folder's database) without importing every command module
        # to build the argument parser first, which would only delay the first window.
        from loyalty_desktop.ui.app import run_app

        return int(run_app() or 0)
    _attach_parent_console()
    from loyalty_desktop.cli import main

    return main()


if __name__ == "__main__":
    sys.exit(_main())
