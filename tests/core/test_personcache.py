"""A person's small cached values are read in one round trip per request (apps.core.personcache)."""
from __future__ import annotations

import pytest
from django.core.cache import caches

from apps.core import personcache
from apps.core.registry import person_cache_keys

pytestmark = pytest.mark.django_db


@pytest.fixture
def spy(monkeypatch):
    """The cache reads asked for, by operation (a local-memory get_many calls get itself: not counted)."""
    calls = []
    depth = [0]
    backend = caches["default"]

    def wrap(name, real):
        def call(*args, **kwargs):
            if not depth[0]:
                calls.append((name, args[0]))
            depth[0] += 1
            try:
                return real(*args, **kwargs)
            finally:
                depth[0] -= 1
        return call

    for name in ("get", "get_many"):
        monkeypatch.setattr(backend, name, wrap(name, getattr(backend, name)))
    return calls


@pytest.fixture
def two_keys():
    def keys_of(pk):
        return [f"test:a:{pk}", f"test:b:{pk}"]

    person_cache_keys.register(keys_of)
    yield
    person_cache_keys.unregister(keys_of)


def test_in_a_request_the_first_read_fetches_all_of_the_persons_keys(spy, two_keys):
    caches["default"].set_many({"test:a:7": 1, "test:b:7": 2})
    with personcache.request_scope():
        assert personcache.get(7, "test:a:7") == 1
        assert personcache.get(7, "test:b:7") == 2
        assert personcache.get(7, "test:a:7") == 1
    assert [name for name, _keys in spy] == ["get_many"]
    assert {"test:a:7", "test:b:7"} <= set(spy[0][1])


def test_a_request_reads_its_own_writes_and_deletions(two_keys):
    with personcache.request_scope():
        assert personcache.get(7, "test:a:7") is None
        personcache.set(7, "test:a:7", "new", 60)
        assert personcache.get(7, "test:a:7") == "new"
        personcache.delete_many(["test:a:7"])
        assert personcache.get(7, "test:a:7") is None
    assert caches["default"].get("test:a:7") is None


def test_outside_a_request_every_read_asks_the_cache(spy, two_keys):
    caches["default"].set("test:a:7", 1)
    assert personcache.get(7, "test:a:7") == 1
    caches["default"].set("test:a:7", 2)  # another process changes it
    assert personcache.get(7, "test:a:7") == 2
    assert [name for name, _keys in spy] == ["get", "get"]


def test_a_signed_in_page_reads_the_persons_values_in_one_round_trip(client, worker, spy):
    client.force_login(worker)
    client.get("/me/")  # computes and keeps the navigation, unread count, "no role group" ...
    spy.clear()
    assert client.get("/me/").status_code == 200
    person_reads = [keys for name, keys in spy
                    if any(f":{worker.pk}" in key for key in ([keys] if isinstance(keys, str) else keys))]
    assert len(person_reads) == 1, spy
    assert {f"2fa:no-groups:{worker.pk}", f"layout:nav:{worker.pk}",
            f"notifications:unread:{worker.pk}"} <= set(person_reads[0])


def test_a_new_role_asks_for_the_second_factor_in_the_same_request(worker):
    # The second-factor check remembered "no group"; a group added in the same request is seen at once.
    from django.contrib.auth.models import Group

    from apps.accounts.two_factor.services import needs_second_factor

    with personcache.request_scope():
        assert not needs_second_factor(worker)
        worker.groups.add(Group.objects.create(name="某角色"))
        assert needs_second_factor(worker)
