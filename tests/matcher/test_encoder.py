"""The real multilingual-e5-small model, loaded offline from the repository's .models folder."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from matcher.encoder import DEFAULT_MODEL_DIR, Encoder, ModelMissing
from tests.helpers import MODEL_DIR, NetworkBlocked, no_network


def cos(a, b) -> float:
    return float(np.dot(a, b))


def test_offline_settings_are_in_force():
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert os.environ["TRANSFORMERS_OFFLINE"] == "1"
    assert DEFAULT_MODEL_DIR == MODEL_DIR and (MODEL_DIR / "model.safetensors").is_file()


def test_no_network_guard_works():
    import socket
    with no_network(), pytest.raises(NetworkBlocked):
        socket.create_connection(("huggingface.co", 443), timeout=1)


def test_model_loads_from_the_local_folder_without_network():
    fresh = Encoder()                      # a separate instance: really loads the folder again
    assert fresh.model_ref == str(MODEL_DIR)
    with no_network():
        vector = fresh.query("ik wil graag wandelen")
    assert vector.shape == (384,)


def test_vectors_are_384_dimensional_unit_vectors(encoder):
    passages = encoder.passages(["Wandelgroep in het bos", "Computerles voor senioren", "Koor"])
    assert passages.shape == (3, 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    q = encoder.query("wandelen")
    assert q.shape == (384,) and abs(float(np.linalg.norm(q)) - 1.0) < 1e-5


def test_encoder_uses_the_e5_prefixes(encoder):
    assert encoder.query_prefix == "query: " and encoder.passage_prefix == "passage: "
    raw = encoder.model.encode(["query: koken"], normalize_embeddings=True)[0]
    assert cos(encoder.query("koken"), raw) > 0.9999
    raw = encoder.model.encode(["passage: koken"], normalize_embeddings=True)[0]
    assert cos(encoder.passages(["koken"])[0], raw) > 0.9999


def test_query_vectors_are_cached_and_read_only(encoder):
    a, b = encoder.query("schaken in de bibliotheek"), encoder.query("schaken in de bibliotheek")
    assert a is b
    with pytest.raises(ValueError):
        a[0] = 1.0


def test_encoding_is_deterministic(encoder):
    texts = ["Samen koken en eten in de buurt", "Biljarten in het buurthuis"]
    assert np.array_equal(encoder.passages(texts), encoder.passages(texts))


def test_walking_query_prefers_the_walking_group(encoder):
    walk, computer = encoder.model.encode(
        ["passage: Wandelgroep in het bos", "passage: Computerles voor senioren"], normalize_embeddings=True)
    q = encoder.model.encode(["query: ik wil graag wandelen in de natuur"], normalize_embeddings=True)[0]
    assert cos(q, walk) > cos(q, computer)


@pytest.mark.parametrize("query", [
    "yemek yapmayı ve birlikte yemek yemeyi seviyorum",        # Turkish: I like cooking and eating together
    "أحب الطبخ وتناول الطعام مع الآخرين",                          # Arabic: the same
    "I love cooking and sharing a meal with others",           # English
    "Lubię gotować i jeść razem z innymi",                     # Polish
    "Ik kook graag en eet graag samen met anderen",            # Dutch
])
def test_cooking_in_other_languages_finds_the_dutch_cooking_passage(encoder, query):
    cooking, computer, football = encoder.passages([
        "Samen koken en eten: elke week koken we met buurtbewoners een maaltijd en eten samen.",
        "Computerles voor senioren: leer omgaan met de computer, e-mail en internet.",
        "Walking football voor ouderen op het sportveld.",
    ])
    q = encoder.query(query)
    assert cos(q, cooking) > cos(q, computer) and cos(q, cooking) > cos(q, football)


@pytest.mark.parametrize("query,best", [
    ("Türkçe konuşulan kadın grubu", 0),                       # Turkish: a Turkish-speaking women's group
    ("I want to learn Dutch", 1),
    ("أريد أن أتعلم اللغة الهولندية", 1),                        # Arabic: I want to learn Dutch
    ("bahçede çalışmak, sebze yetiştirmek", 2),                # Turkish: gardening, growing vegetables
])
def test_multilingual_queries_rank_the_right_passage_first(encoder, query, best):
    passages = encoder.passages([
        "Vrouwenochtend voor Turkse vrouwen: koffie, handwerken en gesprekken in het Turks.",
        "Taalcafé: oefen Nederlands spreken met vrijwilligers in een ontspannen sfeer.",
        "Moestuin in de wijk: samen groenten kweken en tuinieren.",
        "Schaakclub voor jong en oud.",
    ])
    scores = passages @ encoder.query(query)
    assert int(np.argmax(scores)) == best, scores


def test_missing_model_folder_raises_model_missing(tmp_path):
    missing = tmp_path / "no-model-here"
    with pytest.raises(ModelMissing) as info:
        Encoder(str(missing))
    message = str(info.value)
    assert str(missing) in message
    assert "model_build" in message or "build-model" in message


def test_missing_model_folder_from_the_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("SOCIALMAP_MODEL", str(tmp_path / "elders"))
    with pytest.raises(ModelMissing, match="elders"):
        Encoder()


def test_relative_model_path_that_is_missing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ModelMissing):
        Encoder("./models/e5")


def test_a_hub_model_name_is_not_taken_for_a_missing_folder():
    # The setting may name a folder or, with internet, a sentence-transformers model on the hub;
    # hub names have the form owner/name. The model is loaded lazily, so constructing must work.
    enc = Encoder("intfloat/multilingual-e5-small")
    assert enc.name == "multilingual-e5-small|query: |passage: "


def test_encoder_name_derives_from_folder_and_prefixes(monkeypatch):
    monkeypatch.setenv("SOCIALMAP_QUERY_PREFIX", "q: ")
    monkeypatch.setenv("SOCIALMAP_PASSAGE_PREFIX", "")
    enc = Encoder()
    assert (enc.query_prefix, enc.passage_prefix) == ("q: ", "")
    assert enc.name == f"{Path(str(MODEL_DIR)).name}|q: |"
