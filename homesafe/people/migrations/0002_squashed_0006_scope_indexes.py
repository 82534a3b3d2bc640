"""People's migrations after its first, squashed: a new database's tables are made by
0001_squashed_0001_initial as they are now; this one stands for the migrations it
replaces, so that a database that ran them is known to be up to date."""

from django.db import migrations


class Migration(migrations.Migration):
    replaces = [
        ("people", "0002_la_child_id_index_leads"),
        ("people", "0003_networkmember_user"),
        ("people", "0004_family_education_experiences"),
        ("people", "0005_unborn_child"),
        ("people", "0006_scope_indexes"),
    ]

    dependencies = [
        ("people", "0001_squashed_0001_initial"),
        ("access", "0002_squashed_0007_indexes_where_set"),
    ]

    operations = []
