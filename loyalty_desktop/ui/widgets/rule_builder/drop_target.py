"""Drop handling shared by the canvas items (group boxes and condition rows).

A subclass provides ``self.canvas`` and ``drop_target(point, payload)``; the canvas decides what a
payload is, draws the indicator and performs the drop.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent

from loyalty_desktop.ui.widgets.rule_builder.mime import decode


def _drop_action(payload: dict) -> Qt.DropAction:
    return Qt.DropAction.CopyAction if payload["kind"] == "field" else Qt.DropAction.MoveAction


class DropTargetMixin:
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.dragMoveEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        payload = self.canvas.accept_payload(event.mimeData())
        target = self.drop_target(event.position().toPoint(), payload) if payload else None
        if target is None:
            event.ignore()
            self.canvas.show_indicator(None)
            return
        event.setDropAction(_drop_action(payload))
        event.accept()
        self.canvas.show_indicator(target)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.canvas.show_indicator(None)

    def dropEvent(self, event: QDropEvent) -> None:
        payload = decode(event.mimeData())
        target = self.drop_target(event.position().toPoint(), payload) if payload else None
        self.canvas.show_indicator(None)
        if target is None or not self.canvas.drop(payload, target):
            event.ignore()
            return
        event.setDropAction(_drop_action(payload))
        event.accept()
