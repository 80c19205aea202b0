"""Workbooks move from a BinaryField (copied into the history on every save) to files on
storage; datasets get the "official PII of its year" mark."""

from django.core.files.base import ContentFile
from django.db import migrations, models

import stihub.innovation.models


def _models(apps):
    return [apps.get_model("innovation", name) for name in ("IndexDataset", "HistoricalIndexDataset")]


def move_workbooks_to_storage(apps, schema_editor):
    """Write each row's workbook bytes to a file and keep its name; history rows too, one file
    per distinct workbook (by checksum)."""
    datasets, history = _models(apps)
    storage = datasets._meta.get_field("workbook").storage
    names = {}
    for model in (datasets, history):
        for row in model.objects.iterator(chunk_size=20):
            if row.sha256 not in names:
                filename = row.filename or f"{row.code}-{row.year}.xlsx"
                content = ContentFile(bytes(row.workbook_bytes))
                path = stihub.innovation.models.workbook_path(row, filename)
                names[row.sha256] = storage.save(path, content)
            model.objects.filter(pk=row.pk).update(workbook=names[row.sha256])


def move_workbooks_back(apps, schema_editor):
    datasets, history = _models(apps)
    storage = datasets._meta.get_field("workbook").storage
    for model in (datasets, history):
        for pk, name in model.objects.exclude(workbook="").values_list("pk", "workbook"):
            with storage.open(name, "rb") as stored:
                model.objects.filter(pk=pk).update(workbook_bytes=stored.read())


class Migration(migrations.Migration):

    dependencies = [
        ("innovation", "0001_initial"),
    ]

    operations = [
        migrations.RenameField("indexdataset", "workbook", "workbook_bytes"),
        migrations.RenameField("historicalindexdataset", "workbook", "workbook_bytes"),
        migrations.AddField(
            model_name="indexdataset",
            name="workbook",
            field=models.FileField(
                default="",
                max_length=255,
                upload_to=stihub.innovation.models.workbook_path,
                verbose_name="workbook",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalindexdataset",
            name="workbook",
            field=models.TextField(default="", max_length=255, verbose_name="workbook"),
            preserve_default=False,
        ),
        # a default, so that unapplying can add the bytes column back to rows that exist
        migrations.AlterField(
            model_name="indexdataset",
            name="workbook_bytes",
            field=models.BinaryField(default=b""),
        ),
        migrations.AlterField(
            model_name="historicalindexdataset",
            name="workbook_bytes",
            field=models.BinaryField(default=b""),
        ),
        migrations.RunPython(move_workbooks_to_storage, move_workbooks_back),
        migrations.RemoveField("indexdataset", "workbook_bytes"),
        migrations.RemoveField("historicalindexdataset", "workbook_bytes"),
        migrations.AddField(
            model_name="historicalindexdataset",
            name="is_official",
            field=models.BooleanField(
                default=False,
                help_text="Only the official dataset is published to the resolution.",
                verbose_name="official PII of its year",
            ),
        ),
        migrations.AddField(
            model_name="indexdataset",
            name="is_official",
            field=models.BooleanField(
                default=False,
                help_text="Only the official dataset is published to the resolution.",
                verbose_name="official PII of its year",
            ),
        ),
        migrations.AddConstraint(
            model_name="indexdataset",
            constraint=models.CheckConstraint(
                condition=models.Q(("is_official", False), models.Q(("code", "PII"), ("is_sample", False)), _connector="OR"),
                name="official_dataset_is_real_pii",
            ),
        ),
    ]
