"""Labels for fields, operators and enum values, in the interface language (catalogue has both)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QLocale


def is_vietnamese() -> bool:
    return QLocale().language() == QLocale.Language.Vietnamese


def field_label(spec: Any) -> str:
    return (spec.label_vi if is_vietnamese() else spec.label_en) or spec.id


def group_label(group: tuple) -> str:
    _id, label_vi, label_en = group
    return label_vi if is_vietnamese() else label_en


def op_label(op: str) -> str:
    from loyalty_desktop.segments.catalog import OPS

    labels = OPS.get(op)
    if not labels:
        return op
    return labels[0] if is_vietnamese() else labels[1]


def value_labels(spec: Any) -> dict[Any, str]:
    """Display names of a field's fixed choices (gender, region, months…), from the catalogue."""
    choices = getattr(spec, "choices", None)
    if not isinstance(choices, (list, tuple)):
        return {}
    vi = is_vietnamese()
    return {c[0]: (c[1] if vi else c[2]) for c in choices}
