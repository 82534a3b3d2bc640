"""`full_clean()` asking the database about all of a model's check constraints in one query.

Django checks each `CheckConstraint` with a query of its own (`Q.check`), inside a savepoint
whenever a transaction is open: three round trips a constraint, on every use case that cleans a
row (a return interview's four constraints: twelve). `ChecksInOneQuery` asks for all of them in
one `SELECT` of one column a constraint, with no savepoint, and gives the same errors in the
same order; unique constraints are still checked by Django, one query each.

Django's own way is kept where it differs on purpose: a condition that comes out unknown (NULL)
passes, as it does in the database's CHECK; a constraint that reads a field `exclude` names, or
a field that failed its own validation, is not checked.

Written here because Django has no option for it (each constraint validates itself); it uses
two of Django's model internals, `_get_field_expression_map` and `_expression_refs_exclude`,
and `tests/test_constraints.py` holds its answers equal to Django's own on every model that
uses it.

One difference: Django logs and passes a check whose query fails with a database error (a
value the database cannot take, such as a number past the column's range) and leaves the error
to the save. Here the error is raised at once: without a savepoint the transaction cannot go on
after it, and the use case fails as it would have at the save.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import connections, router
from django.db.models import BooleanField, Case, CheckConstraint, Value, When
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE


class ChecksInOneQuery:
    """Mix into a model (before `models.Model`) whose check constraints `full_clean()` checks."""

    def validate_constraints(self, exclude=None):
        using = router.db_for_write(self.__class__, instance=self)
        errors: dict = {}
        for model_class, constraints in self.get_constraints():
            failed = checks_failed(self, model_class, constraints, exclude=exclude, using=using)
            for constraint in constraints:
                if isinstance(constraint, CheckConstraint):
                    if constraint.name in failed:
                        errors = ValidationError(
                            constraint.get_violation_error_message(),
                            code=constraint.violation_error_code,
                        ).update_error_dict(errors)
                    continue
                try:  # unique constraints: as Django's Model.validate_constraints does
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as e:
                    if getattr(e, "code", None) == "unique" and len(constraint.fields) == 1:
                        errors.setdefault(constraint.fields[0], []).append(e)
                    else:
                        errors = e.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


def checks_failed(instance, model_class, constraints, *, exclude, using) -> set[str]:
    """The names of the check constraints among `constraints` that `instance`'s values break,
    asked of the database in one query (none when there is nothing to check)."""
    checks = [
        c
        for c in constraints
        if isinstance(c, CheckConstraint)
        and not (exclude and c._expression_refs_exclude(model_class, c.condition, exclude))
    ]
    if not checks:
        return set()
    connection = connections[using]
    query = Query(None)
    against = instance._get_field_expression_map(meta=model_class._meta, exclude=exclude)
    for name, value in against.items():
        query.add_annotation(
            value if hasattr(value, "resolve_expression") else Value(value), name, select=False
        )
    for number, constraint in enumerate(checks):
        if connection.features.supports_comparing_boolean_expr:
            # Unknown passes, as in the database's CHECK (and in Django's own validate).
            passed = Coalesce(constraint.condition, True, output_field=BooleanField())
        else:
            passed = Case(When(constraint.condition, then=True), default=False)
        query.add_annotation(passed, f"check_{number}")
    row = query.get_compiler(using=using).execute_sql(SINGLE)
    return {constraint.name for constraint, value in zip(checks, row, strict=True) if not value}
