"""Multi-valued fields become relations (issue #10), step 1 of 3: the new tables beside the old columns.

A post's welcomed groups, a seeker's wanted trades and wanted counties were ``|a|b|`` strings
(``key_groups``, ``desired_categories``, ``desired_districts``) found through the GIN expression
indexes of 0008. They become rows: ``JobPostKeyGroup`` and ``SeekerDesiredCategory`` (one row per
code, unique per owner, indexed by (code, owner)) and a many-to-many to the county unions. The old
columns are renamed ``*_packed`` here so that 0011 can read them, and dropped in 0012.
"""
import django.db.models.deletion
from django.db import migrations, models

WELCOME_GROUPS = [("unemployed", "失业人员"), ("transferred", "转岗职工"), ("needy_family", "困难职工家庭成员"),
                  ("migrant", "农民工"), ("graduate", "高校毕业生")]
CATEGORIES = [("welding", "焊接"), ("electrical", "电工电气"), ("machining", "数控机加工"), ("assembly", "普工/装配"),
              ("logistics", "物流运输"), ("warehouse", "仓储管理"), ("care", "护理护工"), ("domestic", "家政服务"),
              ("catering", "餐饮服务"), ("sales", "销售客服"), ("education", "教育培训"),
              ("construction", "建筑施工"), ("it", "信息技术"), ("office", "财务行政"), ("other", "其他")]


def drop_code_list_indexes(apps, schema_editor):
    """The GIN indexes of 0008 read the packed columns, which go."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS recruit_seeker_categories; DROP INDEX IF EXISTS recruit_post_groups;")


def create_code_list_indexes(apps, schema_editor):
    """Back to 0009: the GIN indexes over the packed columns (they have their old names again by then)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("""
            CREATE INDEX IF NOT EXISTS recruit_seeker_categories ON recruitment_seekerprofile
                USING gin ((string_to_array(trim(both '|' from desired_categories), '|')));
            CREATE INDEX IF NOT EXISTS recruit_post_groups ON recruitment_jobpost
                USING gin ((string_to_array(trim(both '|' from key_groups), '|')));
        """)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0004_outboxmessage"),
        ("recruitment", "0009_district_lexeme"),
    ]

    operations = [
        migrations.RunPython(drop_code_list_indexes, create_code_list_indexes),
        migrations.RenameField(model_name="jobpost", old_name="key_groups", new_name="key_groups_packed"),
        migrations.RenameField(model_name="seekerprofile", old_name="desired_categories",
                               new_name="desired_categories_packed"),
        migrations.RenameField(model_name="seekerprofile", old_name="desired_districts",
                               new_name="desired_districts_packed"),
        migrations.AddField(
            model_name="seekerprofile",
            name="desired_districts",
            field=models.ManyToManyField(blank=True, limit_choices_to={"org_type": "county"}, related_name="+",
                                         to="core.organization", verbose_name="期望工作地区"),
        ),
        migrations.CreateModel(
            name="JobPostKeyGroup",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(choices=WELCOME_GROUPS, max_length=20, verbose_name="重点群体")),
                ("post", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                           related_name="key_groups", to="recruitment.jobpost", verbose_name="岗位")),
            ],
            options={
                "verbose_name": "岗位优先的重点群体",
                "verbose_name_plural": "岗位优先的重点群体",
                "indexes": [models.Index(fields=["code", "post"], name="recruit_group_posts")],
                "constraints": [
                    models.UniqueConstraint(fields=("post", "code"), name="recruit_post_group_once"),
                    models.CheckConstraint(condition=models.Q(("code__in", [c for c, _ in WELCOME_GROUPS])),
                                           name="recruit_post_group_known"),
                ],
            },
        ),
        migrations.CreateModel(
            name="SeekerDesiredCategory",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(choices=CATEGORIES, max_length=20, verbose_name="期望职业")),
                ("seeker", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                             related_name="desired_categories", to="recruitment.seekerprofile",
                                             verbose_name="求职者")),
            ],
            options={
                "verbose_name": "期望职业",
                "verbose_name_plural": "期望职业",
                "indexes": [models.Index(fields=["code", "seeker"], name="recruit_category_seekers")],
                "constraints": [
                    models.UniqueConstraint(fields=("seeker", "code"), name="recruit_seeker_category_once"),
                    models.CheckConstraint(condition=models.Q(("code__in", [c for c, _ in CATEGORIES])),
                                           name="recruit_seeker_category_known"),
                ],
            },
        ),
    ]
