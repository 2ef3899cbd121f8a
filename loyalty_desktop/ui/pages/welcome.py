"""First screen on an empty database: import the shop's Excel list or try the app with demo data."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from loyalty_desktop.ui.resources import icon


class WelcomePage(QWidget):
    import_requested = Signal()
    demo_requested = Signal()

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        card = QFrame(objectName="Card")
        card.setMaximumWidth(640)
        lay = QVBoxLayout(card)
        lay.setContentsMargins(40, 36, 40, 36)
        lay.setSpacing(14)
        title = QLabel(self.tr("Welcome to Loyalty Desktop"), objectName="PageTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(
            self.tr(
                "Bring in the customer list you keep in Excel: one clean list, one customer per phone "
                "number. Then build customer groups, tag them and export SMS lists for your campaigns."
            ),
            objectName="Muted",
        )
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.import_button = QPushButton(icon("import"), self.tr("Import from Excel"))
        self.import_button.setProperty("primary", True)
        self.import_button.setMinimumHeight(40)
        self.demo_button = QPushButton(self.tr("Try with demo data"))
        self.demo_button.setMinimumHeight(40)
        hint = QLabel(
            self.tr("Excel (.xlsx, .xls) and CSV files from KiotViet, Sapo or your own sheet."), objectName="Muted"
        )
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.demo_button)
        lay.addWidget(title)
        lay.addWidget(text)
        lay.addSpacing(8)
        lay.addLayout(buttons)
        lay.addWidget(hint)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.import_button.clicked.connect(self.import_requested)
        self.demo_button.clicked.connect(self.demo_requested)
