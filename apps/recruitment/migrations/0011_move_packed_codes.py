"""Multi-valued fields become relations, step 2 of 3: the ``|a|b|`` strings move into the new rows.

Forwards, each packed code becomes one row: repeated codes once, codes that are no longer valid
(not a welcome group, not a category, not the id of a county union) are dropped. Backwards, the
rows are packed again, in the order of the choices (counties by id). The code lists are frozen
here as they were when this migration was written, so a later change of the choices cannot change
what it does.
"""
from collections import defaultdict

from django.db import migrations

BATCH = 2000
WELCOME_GROUPS = ["unemployed", "transferred", "needy_family", "migrant", "graduate"]
CATEGORIES = ["welding", "electrical", "machining", "assembly", "logistics", "warehouse", "care", "domestic",
              "catering", "sales", "education", "construction", "it", "office", "other"]


def unpack(packed: str, valid) -> list[str]:
    """The valid codes of a ``|a|b|`` string, each once, in their order."""
    codes = []
    for code in (packed or "").split("|"):
        if code in valid and code not in codes:
            codes.append(code)
    return codes


def _moves(apps):
    """(owner model, packed column, row model, owner field, value field, valid codes, value from code)."""
    JobPost = apps.get_model("recruitment", "JobPost")
    SeekerProfile = apps.get_model("recruitment", "SeekerProfile")
    Organization = apps.get_model("core", "Organization")
    counties = {str(pk) for pk in Organization.objects.filter(org_type="county").values_list("pk", flat=True)}
    return [
        (JobPost, "key_groups_packed", apps.get_model("recruitment", "JobPostKeyGroup"), "post_id", "code",
         WELCOME_GROUPS, str),
        (SeekerProfile, "desired_categories_packed", apps.get_model("recruitment", "SeekerDesiredCategory"),
         "seeker_id", "code", CATEGORIES, str),
        (SeekerProfile, "desired_districts_packed", SeekerProfile.desired_districts.through, "seekerprofile_id",
         "organization_id", counties, int),
    ]


def packed_to_rows(apps, schema_editor):
    for owner, column, model, owner_field, value_field, valid, convert in _moves(apps):
        valid = set(valid)
        pending = []
        owners = owner.objects.exclude(**{column: ""}).order_by("pk").values_list("pk", column)
        for pk, packed in owners.iterator(chunk_size=BATCH):
            pending += [model(**{owner_field: pk, value_field: convert(code)}) for code in unpack(packed, valid)]
            if len(pending) >= BATCH:
                model.objects.bulk_create(pending, ignore_conflicts=True)
                pending = []
        model.objects.bulk_create(pending, ignore_conflicts=True)


def rows_to_packed(apps, schema_editor):
    for owner, column, model, owner_field, value_field, valid, convert in _moves(apps):
        rank = {code: index for index, code in enumerate(valid)} if isinstance(valid, list) else None
        codes = defaultdict(list)
        for owner_id, value in model.objects.values_list(owner_field, value_field).iterator(chunk_size=BATCH):
            codes[owner_id].append(str(value))
        changed = []
        for owner_id, values in codes.items():
            values.sort(key=(lambda code: rank.get(code, len(rank))) if rank else int)
            changed.append(owner(pk=owner_id, **{column: f"|{'|'.join(values)}|"}))
        owner.objects.bulk_update(changed, [column], batch_size=BATCH)


class Migration(migrations.Migration):

    dependencies = [("recruitment", "0010_code_relations")]

    operations = [migrations.RunPython(packed_to_rows, rows_to_packed)]
