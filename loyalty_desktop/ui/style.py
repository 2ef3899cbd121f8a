"""App palette and style sheet. Pages use these constants so the app looks like one product."""

from __future__ import annotations

from loyalty_desktop.ui.resources import icon_path


def _url(name: str) -> str:
    """An icon for a style sheet ``url()``: forward slashes, also on Windows."""
    return icon_path(name).replace("\\", "/")


ACCENT = "#0F766E"  # teal: the brand colour
ACCENT_HOVER = "#115E59"
ACCENT_LIGHT = "#CCFBF1"
SIDEBAR_BG = "#0B3B3A"
SIDEBAR_TEXT = "#D1FAE5"
BG = "#F5F7F8"
CARD_BG = "#FFFFFF"
BORDER = "#DDE3E6"
TEXT = "#1F2933"
MUTED = "#6B7780"
DANGER = "#C2410C"
WARNING = "#B45309"
SUCCESS = "#15803D"
CHART_COLORS = ["#0F766E", "#F59E0B", "#3B82F6", "#EF4444", "#8B5CF6", "#10B981", "#EC4899", "#64748B"]
ROW_HEIGHT = 30

QSS = f"""
QMainWindow, QDialog {{ background: {BG}; }}
QWidget {{ color: {TEXT}; font-size: 10pt; }}
#Sidebar {{ background: {SIDEBAR_BG}; border: none; }}
#Sidebar QListWidget {{ background: transparent; border: none; color: {SIDEBAR_TEXT}; outline: 0; }}
#Sidebar QListWidget::item {{ padding: 10px 14px; border-radius: 8px; margin: 2px 8px; }}
#Sidebar QListWidget::item:selected {{ background: {ACCENT}; color: white; }}
#Sidebar QListWidget::item:hover:!selected {{ background: #14524F; }}
#AppTitle {{ color: white; font-size: 14pt; font-weight: 600; padding: 16px 14px 4px 14px; }}
#AppSubtitle {{ color: #99C9C3; font-size: 9pt; padding: 0 14px 12px 14px; }}
#PageTitle {{ font-size: 16pt; font-weight: 600; color: {TEXT}; }}
#PageSubtitle {{ color: {MUTED}; }}
#Card {{ background: {CARD_BG}; border: 1px solid {BORDER}; border-radius: 10px; }}
#BigNumber {{ font-size: 20pt; font-weight: 600; color: {TEXT}; }}
#Muted {{ color: {MUTED}; }}
#ErrorLabel {{ color: {DANGER}; }}
#WarningLabel {{ color: {WARNING}; }}
QPushButton {{ background: white; border: 1px solid {BORDER}; border-radius: 6px; padding: 6px 14px; }}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:disabled {{ color: #A0AAB2; }}
QPushButton[primary="true"] {{ background: {ACCENT}; color: white; border: 1px solid {ACCENT}; font-weight: 600; }}
QPushButton[primary="true"]:hover {{ background: {ACCENT_HOVER}; }}
QPushButton[danger="true"] {{ color: {DANGER}; }}
QLineEdit, QComboBox, QSpinBox, QDoubleSpinBox, QDateEdit, QPlainTextEdit, QTextEdit {{
    background: white; border: 1px solid {BORDER}; border-radius: 6px; padding: 4px 6px; }}
QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QDateEdit:focus, QPlainTextEdit:focus {{ border-color: {ACCENT}; }}
QLineEdit[invalid="true"], QComboBox[invalid="true"], QSpinBox[invalid="true"] {{ border: 1px solid {DANGER}; }}
QComboBox, QDateEdit, QDateTimeEdit {{ padding-right: 24px; }}
QComboBox::drop-down, QDateEdit::drop-down, QDateTimeEdit::drop-down {{ subcontrol-origin: border;
    subcontrol-position: top right; width: 22px; border: none; }}
QComboBox::down-arrow, QDateEdit::down-arrow, QDateTimeEdit::down-arrow {{
    image: url("{_url('chevron-down')}"); width: 12px; height: 12px; }}
QComboBox::down-arrow:disabled, QDateEdit::down-arrow:disabled {{ image: none; }}
QComboBox QAbstractItemView {{ background: white; border: 1px solid {BORDER};
    selection-background-color: {ACCENT_LIGHT}; selection-color: {TEXT}; }}
QSpinBox, QDoubleSpinBox {{ padding-right: 22px; }}
QSpinBox::up-button, QDoubleSpinBox::up-button, QSpinBox::down-button, QDoubleSpinBox::down-button {{
    subcontrol-origin: border; width: 20px; border-left: 1px solid {BORDER}; background: #F7F9FA; }}
QSpinBox::up-button, QDoubleSpinBox::up-button {{ subcontrol-position: top right; border-top-right-radius: 6px; }}
QSpinBox::down-button, QDoubleSpinBox::down-button {{ subcontrol-position: bottom right;
    border-bottom-right-radius: 6px; }}
QSpinBox::up-button:hover, QDoubleSpinBox::up-button:hover, QSpinBox::down-button:hover,
QDoubleSpinBox::down-button:hover {{ background: {ACCENT_LIGHT}; }}
QSpinBox::up-arrow, QDoubleSpinBox::up-arrow {{ image: url("{_url('chevron-up')}"); width: 10px; height: 10px; }}
QSpinBox::down-arrow, QDoubleSpinBox::down-arrow {{ image: url("{_url('chevron-down')}"); width: 10px; height: 10px; }}
QSpinBox::up-arrow:disabled, QSpinBox::down-arrow:disabled, QDoubleSpinBox::up-arrow:disabled,
QDoubleSpinBox::down-arrow:disabled {{ image: none; }}
QTableView {{ background: white; border: 1px solid {BORDER}; border-radius: 8px; gridline-color: #EEF1F3;
    selection-background-color: {ACCENT_LIGHT}; selection-color: {TEXT}; alternate-background-color: #FAFBFB; }}
QHeaderView::section {{ background: #F0F3F4; border: none; border-bottom: 1px solid {BORDER};
    padding: 6px; font-weight: 600; color: #44515B; }}
QTabWidget::pane {{ border: 1px solid {BORDER}; border-radius: 8px; background: white; }}
QTabBar::tab {{ padding: 7px 16px; border: none; color: {MUTED}; }}
QTabBar::tab:selected {{ color: {ACCENT}; border-bottom: 2px solid {ACCENT}; font-weight: 600; }}
QStatusBar {{ background: white; border-top: 1px solid {BORDER}; color: {MUTED}; }}
QProgressBar {{ border: 1px solid {BORDER}; border-radius: 5px; background: white; text-align: center; height: 14px; }}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: 4px; }}
QToolTip {{ background: #1F2933; color: white; border: none; padding: 4px; }}
"""
