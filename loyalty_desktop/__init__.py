"""Loyalty Desktop: customer loyalty, segments and SMS campaigns for small shops in Vietnam.

Everything below this package except ``loyalty_desktop.ui`` is Qt-free.
"""

__version__ = "0.1.0"
APP_NAME = "LoyaltyDesktop"
