"""Segment engine: rule trees (rules.py), field catalogue (catalog.py), compiler to one SQLAlchemy
Core select (compiler.py), runner (count/ids/page, cancellable), saved segments (store.py),
ready-made templates (templates.py), explain (explain.py) and a plain-Python reference evaluator
(reference.py). Qt-free."""
