"""Kazakh formats, which Django does not ship: 1 234 567,89 and 9 ақпан 2024, as Kazakh is written."""

DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y H:i"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
