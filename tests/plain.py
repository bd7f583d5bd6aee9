"""What a cache entry may be made of: plain values, never a model instance."""

import datetime
import decimal
import pickle
import pickletools
import uuid
import zoneinfo

PLAIN_TYPES = (
    type(None),
    bool,
    int,
    float,
    str,
    bytes,
    decimal.Decimal,
    uuid.UUID,
    datetime.date,
    datetime.datetime,
    datetime.time,
    datetime.timedelta,
)
TIMEZONES = (datetime.timezone, zoneinfo.ZoneInfo)
# What pickling plain values refers to (protocol 2 names every class by a
# GLOBAL opcode): no module of Django, Wagtail or the project.
PLAIN_MODULES = {
    "builtins",
    "copyreg",
    "_codecs",
    "datetime",
    "decimal",
    "uuid",
    "zoneinfo",
}


def assert_plain(value, where="entry") -> None:
    """Tuples, lists and dicts of builtins, dates, decimals and UUIDs only."""
    _walk(value, where)
    modules = {
        arg.split(" ")[0]
        for opcode, arg, _pos in pickletools.genops(pickle.dumps(value, 2))
        if opcode.name == "GLOBAL"
    }
    assert modules <= PLAIN_MODULES, (where, modules - PLAIN_MODULES)


def _walk(value, where):
    if type(value) in (tuple, list):
        for i, item in enumerate(value):
            _walk(item, f"{where}[{i}]")
    elif type(value) is dict:
        for key, item in value.items():
            _walk(key, f"{where} key")
            _walk(item, f"{where}[{key!r}]")
    else:
        assert type(value) in PLAIN_TYPES, f"{where} is a {type(value)!r}"
        tzinfo = getattr(value, "tzinfo", None)
        assert tzinfo is None or type(tzinfo) in TIMEZONES, where
