"""Pages of API lists: `limit` (100 unless given, at most 1000) and `offset`."""

from rest_framework.pagination import LimitOffsetPagination

MAX_OFFSET = 2**63 - 1  # the largest a database takes: a bigger number would overflow SQL


class BoundedPagination(LimitOffsetPagination):
    max_limit = 1000

    def get_offset(self, request) -> int:
        return min(super().get_offset(request), MAX_OFFSET)
