"""Drag payloads of the rule builder: one custom MIME type, JSON inside.

``{"kind": "field", "field": "age"}`` — a field dragged from the palette (creates a condition);
``{"kind": "node", "node": 12, "tree": <tree token>}`` — an existing condition/group being moved.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QMimeData

MIME_TYPE = "application/x-loyalty-rule-node"


def field_mime(field_id: str) -> QMimeData:
    mime = QMimeData()
    mime.setData(MIME_TYPE, json.dumps({"kind": "field", "field": field_id}).encode())
    mime.setText(field_id)
    return mime


def node_mime(node_id: int, tree_token: int) -> QMimeData:
    mime = QMimeData()
    mime.setData(MIME_TYPE, json.dumps({"kind": "node", "node": node_id, "tree": tree_token}).encode())
    return mime


def decode(mime: QMimeData | None) -> dict | None:
    """The payload, or None when the data is not ours (or is malformed)."""
    if mime is None or not mime.hasFormat(MIME_TYPE):
        return None
    try:
        data = json.loads(bytes(mime.data(MIME_TYPE)).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    if data.get("kind") == "field" and isinstance(data.get("field"), str):
        return data
    if data.get("kind") == "node" and isinstance(data.get("node"), int):
        return data
    return None
