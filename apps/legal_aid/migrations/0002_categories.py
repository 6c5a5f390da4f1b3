from django.db import migrations

CATEGORIES = [
    ("wages", "工资报酬", 24), ("contract", "劳动合同", 24), ("dismissal", "解除与辞退", 12),
    ("injury", "工伤认定与待遇", 12), ("insurance", "社会保险", 24), ("epidemic", "疫情期间休假与工资", 12),
    ("other", "其他", 48),
]


def create(apps, schema_editor):
    Category = apps.get_model("legal_aid", "ConsultationCategory")
    for order, (code, name, hours) in enumerate(CATEGORIES):
        Category.objects.get_or_create(code=code, defaults={"name": name, "first_answer_hours": hours,
                                                           "order": order})


class Migration(migrations.Migration):
    dependencies = [("legal_aid", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
