"""A change of the reference app whose migrations would break the release before it.

Two migrations of the store app: 0002 adds a nullable column (backward compatible), 0003
drops it again. django-migration-linter judges each migration's SQL, and a dropped column
breaks any release that still reads it, so 0003 is refused. The models end as they
began, so the app runs the same with or without them.
"""

STORE_MIGRATIONS = "app/backend/store/migrations"
ADDED = "0002_product_legacy_code"
DROPPED = "0003_remove_product_legacy_code"

FILES = {
    f"{STORE_MIGRATIONS}/{ADDED}.py": """from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("store", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="product",
            name="legacy_code",
            field=models.CharField(blank=True, max_length=20, null=True),
        ),
    ]
""",
    f"{STORE_MIGRATIONS}/{DROPPED}.py": f'''from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("store", "{ADDED}")]

    operations = [migrations.RemoveField(model_name="product", name="legacy_code")]
''',
}
