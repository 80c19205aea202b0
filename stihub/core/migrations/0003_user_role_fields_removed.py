"""The single role and agency fields of a user, replaced by role assignments in 0002.

A migration of its own: on PostgreSQL, altering a table in the transaction that wrote rows
pointing at it fails with "pending trigger events".
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_roles"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='user',
            name='reporter_has_agency',
        ),
        migrations.RemoveField(
            model_name='historicaluser',
            name='agency',
        ),
        migrations.RemoveField(
            model_name='historicaluser',
            name='role',
        ),
        migrations.RemoveField(
            model_name='user',
            name='agency',
        ),
        migrations.RemoveField(
            model_name='user',
            name='role',
        ),
    ]
