"""CLI command modules. Each module defines ``register(subparsers)``; ``cli.py`` discovers them."""
