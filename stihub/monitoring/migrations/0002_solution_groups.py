"""Task groups become solution groups (nhóm nhiệm vụ, giải pháp), not to be confused with S&T
tasks (nhiệm vụ KH&CN) or queued jobs. A rename: rows and history are kept."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_user_role_fields_removed"),
        ("monitoring", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="taskgroup", name="unique_task_group_code"),
        migrations.RenameModel("TaskGroup", "SolutionGroup"),
        migrations.RenameModel("HistoricalTaskGroup", "HistoricalSolutionGroup"),
        migrations.AlterModelOptions(
            name="solutiongroup",
            options={
                "ordering": ["resolution", "order", "code"],
                "verbose_name": "solution group",
                "verbose_name_plural": "solution groups",
            },
        ),
        migrations.AlterModelOptions(
            name="historicalsolutiongroup",
            options={
                "get_latest_by": ("history_date", "history_id"),
                "ordering": ("-history_date", "-history_id"),
                "verbose_name": "historical solution group",
                "verbose_name_plural": "historical solution groups",
            },
        ),
        migrations.AlterField(
            model_name="solutiongroup",
            name="resolution",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="solution_groups",
                to="monitoring.resolution",
                verbose_name="resolution",
            ),
        ),
        migrations.AlterField(
            model_name="solutiongroup",
            name="lead_agency",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="led_solution_groups",
                to="core.agency",
                verbose_name="lead agency",
            ),
        ),
        migrations.AlterField(
            model_name="solutiongroup",
            name="partner_agencies",
            field=models.ManyToManyField(
                blank=True,
                related_name="solution_groups",
                to="core.agency",
                verbose_name="partner agencies",
            ),
        ),
        migrations.AddConstraint(
            model_name="solutiongroup",
            constraint=models.UniqueConstraint(
                fields=("resolution", "code"), name="unique_solution_group_code"
            ),
        ),
    ]
