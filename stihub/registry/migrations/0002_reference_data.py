from django.db import migrations


def load(apps, schema_editor):
    from stihub.registry.reference import load as load_reference

    load_reference(apps.get_model("registry", "FieldOfScience"), apps.get_model("registry", "Industry"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
