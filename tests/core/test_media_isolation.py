"""Files uploaded in tests land in the run's temporary folders, never in the repository's private_media/."""
from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import storages

from apps.protection.models import Hazard
from tests.protection.factories import png

REPOSITORY_PRIVATE = Path(settings.BASE_DIR) / "private_media"


def _snapshot(folder: Path) -> set[tuple[str, int]]:
    if not folder.exists():
        return set()
    return {(str(path.relative_to(folder)), path.stat().st_mtime_ns) for path in folder.rglob("*")}


def test_the_private_storage_is_the_runs_temporary_folder():
    temporary = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    assert temporary != REPOSITORY_PRIVATE and REPOSITORY_PRIVATE not in temporary.parents
    field_storage = Hazard._meta.get_field("photo").storage  # made when the models were imported
    assert Path(field_storage.location) == temporary == Path(storages["private"].location)


@pytest.mark.django_db
def test_an_upload_leaves_the_repositorys_private_media_untouched(client, org_tree, xiuwu_enterprise):
    before = _snapshot(REPOSITORY_PRIVATE)
    response = client.post("/protection/report/", {
        "district": org_tree.xiuwu.pk, "enterprise_name": "恒达机械", "location": "二号车间",
        "description": "冲压机防护罩拆掉了，工人手离模具很近。", "photo": png()})
    assert response.status_code == 302
    stored = Path(Hazard.objects.get().photo.path)
    temporary = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    assert stored.is_file() and temporary in stored.parents
    assert _snapshot(REPOSITORY_PRIVATE) == before
