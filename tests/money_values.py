"""Amounts as merchants type them: accepted spellings and refusals."""

ACCEPTED = [
    ("10000", "10000.00"),
    ("10,000.50", "10000.50"),
    ("¥10000", "10000.00"),
    ("￥10000", "10000.00"),
    ("10000元", "10000.00"),
    ("１００００", "10000.00"),
    ("１，０００", "1000.00"),
    ("１０．５", "10.50"),
    ("1万", "10000.00"),
    ("1.5万", "15000.00"),
    ("  2,500  ", "2500.00"),
    ("0.01", "0.01"),
    ("100000000", "100000000.00"),
    ("1亿", None),  # refused, see below
    ("12.3", "12.30"),
    ("1,234,567.89", "1234567.89"),
    ("RMB 88", "88.00"),
    (".5", "0.50"),
    ("1.500", "1.50"),
    ("+100", "100.00"),
    ("1、000", "1000.00"),  # the ideographic comma as a thousands separator
    ("10。5", "10.50"),  # the ideographic full stop as a decimal point
    ("1." + "0" * 38, "1.00"),  # 40 characters: the longest text read
]


REFUSED = [
    ("", "empty"),
    ("   ", "empty"),
    (None, "empty"),
    ("abc", "not_number"),
    ("-5", "negative"),
    ("－5", "negative"),
    ("−5", "negative"),  # U+2212, the minus sign of word processors
    ("¥-5", "negative"),
    ("¥−5", "negative"),
    ("0", "zero"),
    ("0.00", "zero"),
    ("0.001", "too_precise"),
    ("1.005", "too_precise"),
    ("NaN", "not_number"),
    ("nan", "not_number"),
    ("inf", "not_number"),
    ("Infinity", "not_number"),
    ("1e5", "not_number"),
    ("1E999999999", "not_number"),
    ("1.2.3", "many_dots"),
    ("1..2", "many_dots"),
    ("100000000.01", "too_large"),
    ("99999999999999999999999999999999999", "too_large"),
    ("1,00", "bad_grouping"),
    ("10,0000", "bad_grouping"),
    ("1亿", "not_number"),
    ("一万", "not_number"),
    ("1万万", "not_number"),
    ("<script>", "not_number"),
    ("1" * 41, "too_long"),
    ("0x10", "not_number"),
    (1.5, "not_text"),
    (True, "not_text"),
]
