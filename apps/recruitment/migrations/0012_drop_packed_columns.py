"""Multi-valued fields become relations, step 3 of 3: the packed columns go (0011 moved their codes)."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [("recruitment", "0011_move_packed_codes")]

    operations = [
        migrations.RemoveField(model_name="jobpost", name="key_groups_packed"),
        migrations.RemoveField(model_name="seekerprofile", name="desired_categories_packed"),
        migrations.RemoveField(model_name="seekerprofile", name="desired_districts_packed"),
    ]
