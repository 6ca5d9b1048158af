"""English as the portal's readers in Germany expect it: British day-month order, the
24-hour clock and ISO dates where a date stands alone in figures (US "01/21/2027" reads
as nonsense here, "21/01/2027" as US nonsense elsewhere; "2027-01-21" is unambiguous).

Django picks this module up through FORMAT_MODULE_PATH for the language "en"; German
keeps Django's own formats.
"""

DATE_FORMAT = "j M Y"  # 10 Dec 2026
TIME_FORMAT = "H:i"  # 10:00
DATETIME_FORMAT = "j M Y, H:i"  # 10 Dec 2026, 10:00
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j F"  # 10 December
SHORT_DATE_FORMAT = "Y-m-d"  # 2026-12-10
SHORT_DATETIME_FORMAT = "Y-m-d H:i"  # 2026-12-10 10:00
FIRST_DAY_OF_WEEK = 1  # Monday

# The first format is the one form fields render; the others are also accepted.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y"]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d.%m.%Y %H:%M",
    "%Y-%m-%d",
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
