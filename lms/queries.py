"""Small query helpers for the hot paths (an application, a token check)."""

from __future__ import annotations

from django.db.models import Model, QuerySet


def unique_row(queryset: QuerySet) -> Model | None:
    """The row of a query filtered on a unique key, or None.

    ``first()`` orders by the primary key to choose among rows; a unique
    lookup has at most one, and leaving the ORDER BY out saves Django
    composing it on every request.
    """
    return next(iter(queryset[:1]), None)
