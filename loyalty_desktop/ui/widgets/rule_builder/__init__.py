"""Drag-and-drop segment rule builder (palette, canvas, group boxes, condition rows, editors)."""
