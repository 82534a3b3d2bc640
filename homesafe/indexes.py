"""Database indexes that more than one app declares the same way."""

from django.db import models
from django.db.models import Q


def index_where_set(field: str, *then: str, name: str) -> models.Index:
    """An index of a mostly empty column (a foreign key that most rows leave empty), followed
    by any columns `then`, that holds only the rows that set the column: a lookup by it (a
    page's, or a deletion's protection) still has its index, and the bulk paths (an import, a
    first plan) that write rows leaving it empty do not write the index for each of them."""
    return models.Index(
        fields=[field, *then], condition=Q(**{f"{field}__isnull": False}), name=name
    )
