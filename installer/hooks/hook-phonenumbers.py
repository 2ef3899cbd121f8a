"""PyInstaller hook (overrides the contrib one): phonenumbers without its geocoder/carrier/time-zone data.

The app parses, validates and formats numbers only (``loyalty_desktop/vn/phones.py``); the geocoding,
carrier and time-zone tables are ~40 MB of source that nothing imports. The contrib hook collects every
submodule; this one skips those packages (they are also in the spec's ``excludes``).
"""

from PyInstaller.utils.hooks import collect_submodules

_SKIP = ("phonenumbers.geocoder", "phonenumbers.geodata", "phonenumbers.carrier", "phonenumbers.carrierdata",
         "phonenumbers.timezone", "phonenumbers.tzdata")

hiddenimports = collect_submodules("phonenumbers", filter=lambda name: not name.startswith(_SKIP))
