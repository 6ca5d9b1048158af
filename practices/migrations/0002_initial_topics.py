from django.db import migrations

# The managed list of topics the round table started with; staff add more in the admin.
TOPICS = [
    ("Willkommenskultur", "willkommenskultur"),
    ("Neubürger-Gewinnung", "neubuerger-gewinnung"),
    ("Fachkräfte", "fachkraefte"),
    ("Medizin & Pflege", "medizin-pflege"),
    ("Tourismus", "tourismus"),
    ("Smart City", "smart-city"),
    ("Stadtmarketing", "stadtmarketing"),
    ("Wohnen", "wohnen"),
    ("Familie", "familie"),
]


def create_topics(apps, schema_editor):
    Topic = apps.get_model("practices", "Topic")
    for name, slug in TOPICS:
        Topic.objects.get_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]

    operations = [migrations.RunPython(create_topics, migrations.RunPython.noop)]
