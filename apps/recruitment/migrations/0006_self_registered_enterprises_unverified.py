# Enterprises that an applicant typed in when registering as an employer, and that union staff have
# not verified yet, stop counting in indicators until they are verified. An enterprise that union
# staff entered in the console (audited as core.enterprise.created) stays verified.

from django.db import migrations


def mark_unverified(apps, schema_editor):
    Enterprise = apps.get_model("core", "Enterprise")
    EmployerProfile = apps.get_model("recruitment", "EmployerProfile")
    AuditLog = apps.get_model("core", "AuditLog")
    entered_by_staff = AuditLog.objects.filter(action="core.enterprise.created", target_type="core.enterprise")
    staff_ids = {int(pk) for pk in entered_by_staff.values_list("target_id", flat=True) if pk.isascii() and pk.isdigit()}
    pending = EmployerProfile.objects.exclude(status="verified").values_list("enterprise_id", flat=True)
    Enterprise.objects.filter(pk__in=list(pending)).exclude(pk__in=staff_ids).update(is_verified=False)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_enterprise_is_verified'),
        ('recruitment', '0005_data_rule_constraints'),
    ]

    operations = [
        migrations.RunPython(mark_unverified, migrations.RunPython.noop),
    ]
