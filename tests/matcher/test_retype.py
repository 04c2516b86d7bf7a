"""Listings typed under older knowledge are typed again, on both stores; an editor's kinds stay."""
from __future__ import annotations

import dataclasses

from matcher.activity_types import assign, knowledge_version
from matcher.index.retype import ACTOR, TYPED_UNDER, retype
from tests.factories import activities, run

CHOIR = dict(title="Buurtkoor De Zangers", description="Samen zingen in een koor, elke dinsdagavond.",
             categories=["muziek", "ontmoeting"])


def stored(store, **changes):
    """Listings kept with kinds that older knowledge gave them (a walking group, for a choir)."""
    listed = [dataclasses.replace(a, **CHOIR, types=["wandelgroep"], target_groups=[], **changes)
              for a in activities(3)]
    for a, b in zip(listed, activities(3)):
        a.embedding = b.embedding
    store.save_import(listed, run())
    store.set_fact(TYPED_UNDER, "older")
    return listed


def test_listings_typed_under_older_knowledge_are_typed_again(empty_store):
    listed = stored(empty_store)
    assert retype(empty_store) == 3
    for a in listed:
        now = empty_store.get(a.id)
        assert now.types == assign(now).types and "koor" in now.types
        last = empty_store.audit.history(a.id)[0]
        assert (last.action, last.actor) == ("retype", ACTOR)
    assert empty_store.fact(TYPED_UNDER) == knowledge_version()
    assert retype(empty_store) is None     # done once per knowledge


def test_an_editors_kinds_stay(empty_store):
    stored(empty_store, types_source="editor")
    assert retype(empty_store) == 0
    assert all(a.types == ["wandelgroep"] for a in empty_store.activities())


def test_a_store_fact_is_kept_and_replaced(empty_store):
    assert empty_store.fact("x") is None
    empty_store.set_fact("x", "1")
    empty_store.set_fact("x", "2")
    assert empty_store.fact("x") == "2"
