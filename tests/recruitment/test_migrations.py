"""Migrations 0010–0012: packed ``|a|b|`` codes become relation rows, and back.

The test migrates the test database itself (recruitment back to 0009 and forwards again), so it runs
outside a test transaction (``transaction=True``: the tables are emptied afterwards) and always leaves
the schema at the latest migration, even when an assertion fails.
"""
from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("recruitment", "0009_district_lexeme")]


def migrate(targets):
    """Migrate and return the app registry of the state reached."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def latest():
    executor = MigrationExecutor(connection)
    return [key for key in executor.loader.graph.leaf_nodes() if key[0] == "recruitment"]


def test_packed_codes_become_rows_and_back(org_tree, xiuwu_enterprise, monkeypatch):
    import importlib

    # Small batches, so that the move crosses batch edges (it must neither cut nor repeat rows there).
    monkeypatch.setattr(importlib.import_module("apps.recruitment.migrations.0011_move_packed_codes"), "BATCH", 3)
    user, other = UserFactory(username="13900000011"), UserFactory(username="13900000012")
    try:
        old = migrate(BEFORE)
        JobPost, SeekerProfile = old.get_model("recruitment", "JobPost"), old.get_model("recruitment", "SeekerProfile")
        common = {"enterprise_id": xiuwu_enterprise.pk, "district_id": org_tree.xiuwu.pk, "title": "焊工",
                  "category": "welding", "address": "修武县", "salary_min": 1, "salary_max": 2, "headcount": 1,
                  "description": "持证", "contact_name": "王", "contact_phone": "13839100099",
                  "valid_until": "2030-01-01", "status": "published"}
        # Repeats, an unknown code, a group a post may not welcome ("other"), stray separators.
        welcoming = JobPost.objects.create(key_groups="|graduate|bogus|migrant|graduate|other||", **common)
        plain = JobPost.objects.create(key_groups="", **common)
        more = JobPost.objects.bulk_create([JobPost(key_groups="|unemployed|migrant|", **common) for _ in range(5)])
        county, city = org_tree.boai.pk, org_tree.city.pk
        wishing = SeekerProfile.objects.create(
            user_id=user.pk, real_name="张伟", phone="13900000011", district_id=org_tree.xiuwu.pk,
            desired_categories="|it|welding|astronaut|it|",
            desired_districts=f"|{county}|{city}|abc|999999999|{org_tree.xiuwu.pk}|{county}|")
        empty = SeekerProfile.objects.create(user_id=other.pk, real_name="王芳", phone="13900000012",
                                             district_id=org_tree.boai.pk)

        new = migrate(latest())
        KeyGroup = new.get_model("recruitment", "JobPostKeyGroup")
        Category = new.get_model("recruitment", "SeekerDesiredCategory")
        Profile = new.get_model("recruitment", "SeekerProfile")
        assert sorted(KeyGroup.objects.filter(post_id=welcoming.pk).values_list("code", flat=True)) == [
            "graduate", "migrant"]
        assert not KeyGroup.objects.filter(post_id=plain.pk).exists()
        assert KeyGroup.objects.filter(post_id__in=[p.pk for p in more]).count() == 10
        assert sorted(Category.objects.filter(seeker_id=wishing.pk).values_list("code", flat=True)) == [
            "it", "welding"]
        wanted = Profile.objects.get(pk=wishing.pk).desired_districts.values_list("pk", flat=True)
        assert sorted(wanted) == sorted([county, org_tree.xiuwu.pk])  # the city and unknown ids dropped
        assert not Category.objects.filter(seeker_id=empty.pk).exists()
        assert not Profile.objects.get(pk=empty.pk).desired_districts.exists()

        old = migrate(BEFORE)
        JobPost, SeekerProfile = old.get_model("recruitment", "JobPost"), old.get_model("recruitment", "SeekerProfile")
        assert JobPost.objects.get(pk=welcoming.pk).key_groups == "|migrant|graduate|"  # the choices' order
        assert JobPost.objects.get(pk=plain.pk).key_groups == ""
        assert {p.key_groups for p in JobPost.objects.filter(pk__in=[p.pk for p in more])} == {"|unemployed|migrant|"}
        profile = SeekerProfile.objects.get(pk=wishing.pk)
        assert profile.desired_categories == "|welding|it|"
        assert profile.desired_districts == "|" + "|".join(str(pk) for pk in sorted([county, org_tree.xiuwu.pk])) + "|"
        assert SeekerProfile.objects.get(pk=empty.pk).desired_categories == ""
    finally:
        migrate(latest())

