"""``loyalty-desktop demo --customers N [--purchases M] [--seed S]``: fill an empty database."""

from __future__ import annotations

import json
import sys
import time

from loyalty_desktop.errors import InvalidInput


def _count(value: str) -> int:
    try:
        n = int(value.replace("_", "").replace(",", ""))
    except ValueError:
        raise InvalidInput(f"Not a whole number: {value!r}") from None
    return n


def register(sub) -> None:
    p = sub.add_parser("demo", help="fill an empty database with realistic Vietnamese demo data")
    p.add_argument("--customers", type=str, default="20000", help="number of customers (default 20000)")
    p.add_argument("--purchases", type=str, default=None,
                   help="number of purchases over three years (default 10 × customers)")
    p.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same data (default 1)")
    p.add_argument("--json", action="store_true", help="print one JSON object with the counts and timings")
    p.set_defaults(func=cmd_demo)


class _Progress:
    """One terminal line on stderr, rewritten with \\r at most ~5 times a second."""

    def __init__(self, stream=sys.stderr):
        self.stream = stream
        self.start = time.perf_counter()
        self.last = 0.0
        self.width = 0

    def __call__(self, fraction: float, text: str) -> None:
        now = time.perf_counter()
        if fraction < 1.0 and now - self.last < 0.2:
            return
        self.last = now
        line = f"{fraction * 100:5.1f} %  {text}  [{now - self.start:6.1f} s]"
        pad = max(0, self.width - len(line))
        self.width = len(line)
        self.stream.write("\r" + line + " " * pad)
        self.stream.flush()

    def close(self) -> None:
        if self.width:
            self.stream.write("\n")
            self.stream.flush()


def cmd_demo(args) -> int:
    from loyalty_desktop.cli import open_db
    from loyalty_desktop.demo import generate_demo

    customers = _count(args.customers)
    purchases = None if args.purchases is None else _count(args.purchases)
    if customers < 0 or (purchases is not None and purchases < 0):
        raise InvalidInput("Counts must be 0 or more.")
    db = open_db(args)
    progress = _Progress()
    try:
        result = generate_demo(db, customers, purchases, seed=args.seed, progress=progress)
    finally:
        progress.close()
        db.dispose()
    summary = {
        "path": db.location,
        "customers": result.customers,
        "purchases": result.purchases,
        "customer_tags": result.customer_tags,
        "tags": result.tags,
        "seed": args.seed,
        "seconds": round(result.seconds, 1),
        "phases": {k: round(v, 1) for k, v in result.phases.items()},
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(f"Demo data in {db.location}: {result.customers:,} customers, {result.purchases:,} purchases, "
              f"{result.customer_tags:,} customer tags in {result.seconds:.1f} s")
    return 0
