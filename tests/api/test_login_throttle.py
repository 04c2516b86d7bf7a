"""The login throttle lives in the store: concurrency cannot get past it, two workers share it, a
restart keeps it, and an attacker elsewhere cannot lock the real user out. On both stores."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from api import accounts
from tests.factories import make_app
from catalog.records import LoginLimits
from catalog.stores import open_store
from tests.conftest import add_user, empty_store_url

RIGHT = "een-goed-wachtwoord"


@pytest.fixture(params=["sqlite", "postgis"])
def store_url(request, tmp_path):
    url = empty_store_url(request.param, request, tmp_path)
    store = open_store(url)
    add_user(store, "coach1", "coach")
    store.close()
    return url


def service(url, encoder, address="10.0.0.1"):
    """One worker of the service: its own app and its own connection to the shared store."""
    store = open_store(url)
    return TestClient(make_app(store, encoder), raise_server_exceptions=False,
                      client=(address, 40000)), store


def login(client, username="coach1", password=RIGHT):
    return client.post("/auth/login", json={"username": username, "password": password})


def test_a_concurrent_burst_gets_no_more_guesses_than_the_limit(store_url, encoder, monkeypatch):
    checked = []
    real_verify = accounts.verify_password
    lock = threading.Lock()

    def counting_verify(password, stored):
        with lock:
            checked.append(password)
        return real_verify(password, stored)
    monkeypatch.setattr(accounts, "verify_password", counting_verify)
    client, store = service(store_url, encoder)
    with client:
        passwords = [f"fout-{i:02d}-wachtwoord" for i in range(59)]
        passwords.insert(39, RIGHT)   # the right one 40th, as the attacker's lucky guess
        with ThreadPoolExecutor(max_workers=30) as pool:
            answers = list(pool.map(lambda p: login(client, password=p).status_code, passwords))
    store.close()
    limit = LoginLimits().per_pair
    assert len(checked) <= limit, f"{len(checked)} passwords were checked"
    assert answers.count(429) >= len(passwords) - limit
    assert answers[39] == 429, "the 40th guess was never checked, so it could not succeed"


def test_two_workers_share_the_count_and_a_restart_keeps_it(store_url, encoder):
    first, store_a = service(store_url, encoder)
    second, store_b = service(store_url, encoder)
    with first, second:
        for i in range(10):
            assert login(first if i % 2 else second, password="nee-nee-nee").status_code == 401
        assert login(first).status_code == 429
        assert login(second).status_code == 429
    store_a.close()
    store_b.close()
    restarted, store_c = service(store_url, encoder)
    with restarted:
        r = login(restarted)
        assert r.status_code == 429 and "try again in 15 minutes" in r.json()["error"]
        assert r.headers["retry-after"] == "900"
    store_c.close()


def test_an_attacker_elsewhere_cannot_lock_the_real_user_out(store_url, encoder):
    attacker, store_a = service(store_url, encoder, address="203.0.113.9")
    user, store_b = service(store_url, encoder, address="10.0.0.1")
    with attacker, user:
        for _ in range(12):
            login(attacker, password="nee-nee-nee")
        assert login(attacker).status_code == 429
        assert login(user).status_code == 200
    store_a.close()
    store_b.close()


def test_spraying_many_usernames_from_one_address_is_capped(store_url, encoder):
    sprayer, store_a = service(store_url, encoder, address="198.51.100.7")
    user, store_b = service(store_url, encoder, address="10.0.0.1")
    limits = LoginLimits()
    with sprayer, user:
        answers = [login(sprayer, username=f"naam{i}", password="nee-nee-nee").status_code
                   for i in range(limits.per_address + 5)]
        assert answers.count(401) == limits.per_address and answers[-5:] == [429] * 5
        r = login(sprayer)
        assert r.status_code == 429 and "from this address" in r.json()["error"]
        assert login(user).status_code == 200
    store_a.close()
    store_b.close()


def test_a_right_password_forgives_the_earlier_slips(store_url, encoder):
    client, store = service(store_url, encoder)
    with client:
        for _ in range(9):
            login(client, password="nee-nee-nee")
        assert login(client).status_code == 200
        for _ in range(9):
            assert login(client, password="nee-nee-nee").status_code == 401
        assert login(client).status_code == 200
    store.close()


def test_old_attempts_expire(store_url):
    store = open_store(store_url)
    limits = LoginLimits(window_s=60, per_pair=2)
    assert store.accounts.begin_login("coach1", "a", limits, now=1000.0)[0] is not None
    assert store.accounts.begin_login("coach1", "a", limits, now=1001.0)[0] is not None
    assert store.accounts.begin_login("coach1", "a", limits, now=1002.0) == (None, "account_and_address")
    assert store.accounts.begin_login("coach1", "a", limits, now=1062.0)[0] is not None   # the first two are older than 60 s
    store.close()
