"""The POPULATION indicator (dân số trung bình): the R&D-staff target divides by it, so the
population comes from its own indicator, reported and approved like any other."""

from django.db import migrations

CODE = "POPULATION"
STATISTICS = "THONGKE"  # Chi cục Thống kê tỉnh Nghệ An, where the resolution is loaded


def create(apps, schema_editor):
    Indicator = apps.get_model("monitoring", "Indicator")
    Agency = apps.get_model("core", "Agency")
    indicator, created = Indicator.objects.get_or_create(
        code=CODE,
        defaults={
            "name": "Dân số trung bình",
            "unit": "người",
            "frequency": "year",
            "integer": True,
            "value_min": 0,
            "agency": Agency.objects.filter(code=STATISTICS).first(),
        },
    )
    if created:  # a migration's models send no signals: record the creation in the history
        from django.utils import timezone

        history = apps.get_model("monitoring", "HistoricalIndicator")
        values = {f.attname: getattr(indicator, f.attname) for f in Indicator._meta.concrete_fields}
        history.objects.create(
            **values,
            history_date=timezone.now(),
            history_type="+",
            history_change_reason="Tạo khi cài đặt cơ sở dữ liệu nguồn lực",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_search_indexes"),
        ("monitoring", "0004_alter_historicalsubmission_channel_and_more"),
        ("core", "0005_api_tokens"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
