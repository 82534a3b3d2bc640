"""Every app's factories make rows that its models accept (tests/factories.py): each model's
validation (fields, choices and the check constraints Django can evaluate) passes and the row
is written."""

import inspect

import factory
import pytest
from django.apps import apps

from tests import factories

FACTORIES = [
    f
    for _, f in inspect.getmembers(factories, inspect.isclass)
    if issubclass(f, factory.django.DjangoModelFactory) and f.__module__ == factories.__name__
]
# Apps whose records tests set up; story reads the others' records, and protocol, api, web
# and demo have no models of their own.
APPS_WITH_RECORDS = {
    "access", "administration", "concerns", "daily_screening", "duties", "episodes", "insight",
    "intake", "interviews", "locate", "meetings", "people", "profiles", "reminders",
    "safety_plans", "screening",
}  # fmt: skip


def test_every_app_with_records_has_a_factory():
    covered = {f._meta.get_model_class()._meta.app_label for f in FACTORIES}
    assert covered >= APPS_WITH_RECORDS, APPS_WITH_RECORDS - covered
    labels = {a.label for a in apps.get_app_configs() if a.name.startswith("homesafe.")}
    models = {a for a in labels if list(apps.get_app_config(a).get_models())}
    assert models <= APPS_WITH_RECORDS, models - APPS_WITH_RECORDS


@pytest.mark.django_db
@pytest.mark.parametrize("made_by", FACTORIES, ids=lambda f: f.__name__)
def test_a_factory_makes_a_valid_row(made_by):
    row = made_by()
    row.full_clean()
    model = type(row)
    assert model._base_manager.filter(pk=row.pk).exists()
