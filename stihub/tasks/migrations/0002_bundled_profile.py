"""The bundled regulation profile (the circulars in force for provinces, `profiles/*.yaml`) as
version 1, so that proposals can be made on a new installation; DOST adds later versions."""

from django.db import migrations

CODE = "tt-2014-2023"


def create(apps, schema_editor):
    from stihub.engines import regulation
    from stihub.tasks.profiles import BUNDLED, BUNDLED_FROM

    Profile = apps.get_model("tasks", "RegulationProfile")
    if Profile.objects.filter(code=CODE).exists():
        return
    parsed = regulation.load_profile_file(BUNDLED)
    profile = Profile.objects.create(
        code=parsed.code,
        version=1,
        title=parsed.title,
        data=regulation.profile_as_data(parsed),
        effective_from=BUNDLED_FROM,
        note="Bản quy định đi kèm STI Hub",
    )
    from django.utils import timezone

    # A migration's models send no signals: record the creation in the history.
    history = apps.get_model("tasks", "HistoricalRegulationProfile")
    values = {f.attname: getattr(profile, f.attname) for f in Profile._meta.concrete_fields}
    history.objects.create(
        **values,
        history_date=timezone.now(),
        history_type="+",
        history_change_reason="Tạo khi cài đặt cơ sở dữ liệu",
    )


class Migration(migrations.Migration):
    dependencies = [("tasks", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
