"""Model instances as plain column values, for entries of the shared cache.

A pickled model instance ties a cache entry to the code that pickled it: the
next deploy unpickles an instance of a class whose fields may have changed,
and the pickle carries whatever happened to be cached on the instance. So the
caches that keep rows (``cms.middleware``'s site, ``courses.programme_cache``)
store the values of the concrete columns instead, and rebuild an instance
with Django's documented ``Model.from_db``, as a query would:

* :func:`values_of` is the tuple of ``field.get_prep_value`` of every concrete
  field, in ``_meta.concrete_fields`` order (a multi-table model's parents
  included): ints, strings, dates, datetimes, UUIDs, JSON data. For ordinary
  fields that is the attribute itself. A StreamField gives its block data as
  stored (blocks not yet used are passed through unconverted, the others as
  Wagtail saves them), which its descriptor turns back into an equal
  StreamValue. Anything else is refused (``TypeError``), so nothing but plain
  values is ever stored.
* :func:`from_values` is ``Model.from_db`` with those names and values: each
  call gives a new instance in the state of one just read (``_state.adding``
  false, ``_state.db`` the read database). ``from_db`` calls the model's
  ``__init__``, not the fields' ``from_db_value``: the values are already the
  Python ones.
* :func:`fingerprint` is a short hash of the models' labels, attribute names
  and field classes, for the cache key: a deploy that adds, removes, renames
  or retypes a field reads under another key and never rebuilds from an entry
  of the code before.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from decimal import Decimal

from django.db import router
from django.db.models import Model

_SCALARS = (
    type(None),
    bool,
    int,
    float,
    str,
    bytes,
    Decimal,
    uuid.UUID,
    datetime.date,  # datetime.datetime too
    datetime.time,
    datetime.timedelta,
)


def is_plain(value) -> bool:
    """Whether ``value`` is built of builtins, dates, decimals and UUIDs only
    (tuples, lists and dicts of them), so no model or library class."""
    if type(value) in (tuple, list):
        return all(is_plain(item) for item in value)
    if type(value) is dict:
        return all(is_plain(k) and is_plain(v) for k, v in value.items())
    return isinstance(value, _SCALARS) and type(value).__module__ in (
        "builtins",
        "datetime",
        "decimal",
        "uuid",
    )


# model -> (its concrete_fields tuple, their attnames, a digest of them):
# Django builds that tuple once per model, so an identity check is enough to
# reuse the rest.
_schemas: dict[type[Model], tuple[tuple, tuple[str, ...], str]] = {}


def _schema(model: type[Model]) -> tuple[tuple, tuple[str, ...], str]:
    fields = model._meta.concrete_fields
    known = _schemas.get(model)
    if known is None or known[0] is not fields:
        names = tuple(field.attname for field in fields)
        raw = f"{model._meta.label}:" + ",".join(
            f"{field.attname}={type(field).__name__}" for field in fields
        )
        known = (fields, names, hashlib.sha256(raw.encode()).hexdigest())
        _schemas[model] = known
    return known


def field_names(model: type[Model]) -> tuple[str, ...]:
    """The attribute names of ``model``'s concrete fields, in column order."""
    return _schema(model)[1]


def fingerprint(*models: type[Model]) -> str:
    """A short hash of the models' labels, field attribute names and classes."""
    digests = [_schema(model)[2] for model in models]
    if len(digests) == 1:
        return digests[0][:12]
    return hashlib.sha256("".join(digests).encode()).hexdigest()[:12]


def values_of(instance: Model) -> tuple:
    """The plain values of ``instance``'s concrete fields (see the module docstring).

    The instance must be fully loaded (no deferred field, which would cost a
    query here); a field whose value does not reduce to plain values raises
    ``TypeError``.
    """
    deferred = instance.get_deferred_fields()
    if deferred:
        raise ValueError(f"deferred fields {sorted(deferred)} of {instance!r}")
    values = []
    for field in instance._meta.concrete_fields:
        value = field.get_prep_value(getattr(instance, field.attname))
        if not is_plain(value):
            raise TypeError(
                f"{instance._meta.label}.{field.attname} gives "
                f"{type(value).__name__}, not plain values"
            )
        values.append(value)
    return tuple(values)


def from_values(model: type[Model], values) -> Model:
    """A new ``model`` instance from :func:`values_of`'s tuple, by ``from_db``.

    ``ValueError`` when the number of values is not the number of fields (an
    entry of another schema).
    """
    names = field_names(model)
    if len(values) != len(names):
        raise ValueError(
            f"{len(values)} values for the {len(names)} fields of {model._meta.label}"
        )
    return model.from_db(router.db_for_read(model), names, list(values))
