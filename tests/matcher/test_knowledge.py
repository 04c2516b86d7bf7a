"""The knowledge layer: activity types of listings and intakes, Dutch text handling, target groups,
the per-wish verdict and the learned weights."""
from __future__ import annotations

import dataclasses
import json
import random

import pytest

from catalog.csv_import import read_catalog_csv
from catalog.taxonomy import TAXONOMY_FILE, load, taxonomy
from matcher import signals
from matcher.activity_types import assign
from matcher.dutch import stem
from matcher.intake import analyse
from matcher.keywords import keyword_hits
from matcher.profile import ClientProfile
from matcher.tailored import MET, NOT_UNDERSTOOD, UNMET, chance_of_a_fit
from tests.helpers import CENTRE, DEMO_CATALOG, random_profile

BASE = read_catalog_csv(DEMO_CATALOG).activities[0]


def listing(title: str, description: str, categories: list[str], **fields):
    return dataclasses.replace(BASE, title=title, description=description, categories=categories, types=None,
                               target_groups=None, min_age=None, max_age=None, **fields)


def intake(interests: str = "", narrative: str = "", **fields):
    return analyse(ClientProfile(interests=interests, narrative=narrative, lat=CENTRE[0], lon=CENTRE[1], **fields))


def wish_types(interests: str = "", narrative: str = "", **fields) -> set[str]:
    return {t for w in intake(interests, narrative, **fields).wishes for t in w.types}


# --- the taxonomy as data --------------------------------------------------------------------

def test_the_taxonomy_loads_and_every_reference_in_it_exists():
    t = load(TAXONOMY_FILE)
    assert len(t.types) >= 200 and len(t.needs) >= 10 and len(t.groups) >= 15
    for key, activity_type in t.types.items():
        assert activity_type.label and activity_type.categories, key
        assert set(activity_type.needs) <= set(t.needs), key
        assert set(activity_type.groups) <= set(t.groups), key
    kinds = {g.kind for g in t.groups.values()}
    assert kinds == {"condition", "situation", "age"}


def test_a_broken_taxonomy_is_refused_with_the_place_of_the_mistake(tmp_path):
    data = json.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))
    first = next(iter(data["types"]))
    data["types"][first]["needs"] = ["bestaat_niet"]
    path = tmp_path / "taxonomy.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match=f"{first}.*bestaat_niet"):
        load(path)


# --- listings get their types ------------------------------------------------------------------

@pytest.mark.parametrize("title, description, categories, expected", [
    ("Repair Café", "Kapotte broodrooster of fiets? Vrijwillige reparateurs helpen je het zelf te maken.",
     ["klussen", "vrijwilligerswerk"], "repair_cafe"),
    ("Handwerkclub De Steek", "Breien, haken en borduren op woensdagmiddag.", ["creatief"], "handwerkclub"),
    ("Moestuin De Groene Vingers", "Samen groenten kweken in de buurtmoestuin.", ["tuinieren"], "buurtmoestuin"),
    ("Kaartclub", "Klaverjassen en rikken op dinsdagmiddag.", ["spel"], "klaverjassen"),
    ("Alzheimer Café", "Voor mensen met dementie en hun mantelzorgers: uitleg en lotgenotencontact.",
     ["lotgenoten"], "alzheimercafe"),
])
def test_a_listing_gets_the_type_its_words_name(title, description, categories, expected):
    assert expected in assign(listing(title, description, categories)).types


def test_a_listing_for_a_group_gets_that_target_group():
    groups = assign(listing("Alzheimer Café", "Voor mensen met dementie en hun mantelzorgers.", ["lotgenoten"])).groups
    kinds = {taxonomy().groups[g].kind for g in groups}
    assert "condition" in kinds
    assert assign(listing("Wandelgroep", "Elke dinsdag een rondje door het park.", ["wandelen"])).groups == []


def test_an_age_limit_makes_an_age_group():
    a = listing("Jongerenwerk", "Chillen en gamen in het jongerencentrum.", ["ontmoeting"], )
    a = dataclasses.replace(a, max_age=23)
    groups = assign(a).groups
    assert any(taxonomy().groups[g].kind == "age" for g in groups)


def test_a_listing_for_the_over_fifties_is_no_youth_group():
    walk = dataclasses.replace(listing("Wandelgroep", "Elke dinsdag een rondje door het park.", ["wandelen"]), min_age=50)
    kinds = {g: taxonomy().groups[g] for g in assign(walk).groups}
    assert kinds and all(g.kind == "age" and g.min_age is not None and g.max_age is None for g in kinds.values())
    adults = dataclasses.replace(walk, min_age=18)
    assert assign(adults).groups == []


def test_a_term_of_two_words_matches_across_small_words():
    hospital = assign(listing("Vrijwilliger in het ziekenhuis", "Patiënten de weg wijzen en koffierondes doen.",
                              ["vrijwilligerswerk"]))
    assert "vrijwilliger_zorginstelling" in hospital.types   # the term is "vrijwilliger ziekenhuis"


def test_or_between_two_words_keeps_them_apart():
    # "ouder ziek" (a young carer's parent) is a term; "ouderen of met zieken" are two kinds of people
    assert "jonge_mantelzorgers" not in wish_types(narrative="Het liefst met ouderen of met zieken.")


def test_a_group_word_does_not_make_a_kind_of_activity():
    duo = assign(listing("Duofietsen", "Samen fietsen op de duofiets met iemand met dementie.", ["fietsen"]))
    memory = assign(listing("Geheugentraining", "Oefeningen voor mensen met dementie.", ["educatie"]))
    assert "fietsmaatjes_duofiets" in duo.types and "fietsmaatjes_duofiets" not in memory.types


def test_listing_words_of_a_place_say_nothing_in_an_intake():
    # "ziekenhuis" helps type a hospital volunteer job; a client's stay there is no wish for one
    assert "vrijwilliger_zorginstelling" not in wish_types("wandelen", "Lag twee weken in het ziekenhuis.")


def test_every_assignment_shows_its_evidence():
    a = assign(listing("Repair Café", "Samen repareren in plaats van weggooien.", ["klussen"]))
    assert a.types and all(a.evidence[t] for t in a.types)


# --- intakes: wishes, refusals, constraints --------------------------------------------------------

@pytest.mark.parametrize("interests, expected", [
    ("yürüyüş", "wandelgroep"),       # Turkish
    ("المشي", "wandelgroep"),          # Arabic
    ("spacer", "wandelgroep"),         # Polish
    ("walking", "wandelgroep"),        # English
    ("gardening", "buurtmoestuin"),
    ("sleutelen", "repair_cafe"),
])
def test_foreign_and_colloquial_words_point_to_the_type(interests, expected):
    assert expected in wish_types(interests)


@pytest.mark.parametrize("keyword, category", [
    ("buiten", "natuur"), ("techniek", "klussen"), ("iets om handen", "klussen"), ("kaarten", "spel"),
    ("nieuwe mensen", "ontmoeting"), ("koffie", "ontmoeting"), ("orkest", "muziek"), ("films", "cultuur"),
])
def test_a_coach_s_everyday_keyword_is_understood(keyword, category):
    (wish,) = intake(keyword).wishes
    assert category in wish.categories or any(category in taxonomy().types[t].categories for t in wish.types)


def test_wanting_to_be_useful_is_a_need_and_rustig_a_condition():
    assert "nuttig_voelen" in intake("iets nuttigs").needs
    assert intake("rustig").wishes == [] and "tempo" in intake("rustig").constraints


@pytest.mark.parametrize("narrative, not_a_wish", [
    ("Ze maakt graag een korte wandeling.", "koor"),             # korte: no koor + te
    ("Hij woont in een grote flat.", "natuurwandeling"),          # grote: no groen
    ("Ze woont bij haar dochter en gaat vaak bij de buren langs.", "imkeren"),   # bij: no bee
    ("De huisarts verwees haar door.", "gezondheidsvoorlichting"),   # every referral names the GP
    ("Ze wil iets doen met anderen.", "volleybal_recreatief"),
    ("Het liefst iets kort, een uurtje.", "koor"),              # kort: a word of its own, no form of koren
    ("Ze is weduwe en wil graag onder de mensen komen.", "rouwgroep"),   # being widowed asks for no group
    ("Ze zingt graag.", "mannenkoor_shanty"),                     # singing is a choir, not a men's one
])
def test_everyday_words_of_a_narrative_name_no_activity(narrative, not_a_wish):
    assert not_a_wish not in wish_types(narrative=narrative)


@pytest.mark.parametrize("keyword, not_a_kind", [
    ("onder de mensen", "bingo"), ("zinvol", "odensehuis_dementie"), ("lotgenoten", "alzheimercafe"),
    ("iets voor een ander", "boodschappenhulp"), ("kort", "koor"),
])
def test_a_general_wish_names_no_particular_kind(keyword, not_a_kind):
    assert not_a_kind not in wish_types(keyword)


def test_past_tenses_still_point_to_their_activity():
    found = wish_types(narrative="Vroeger bakte ze taarten, zong ze in het koor en wandelde ze veel.")
    assert {"bakclub", "koor", "wandelgroep"} <= found


def test_women_and_men_as_keywords_ask_for_their_group_but_a_husband_in_the_narrative_does_not():
    assert "vrouwengroep" in wish_types("vrouwen") and "mannengroep" in wish_types("mannen")
    found = wish_types(narrative="Zijn vrouw is vorig jaar overleden; haar man werkt nog.")
    assert not found & {"vrouwengroep", "mannengroep"}


def test_past_jobs_and_hobbies_in_the_narrative_point_to_a_type():
    found = wish_types(narrative="Meneer sleutelde vroeger aan brommers en was monteur bij de garage.")
    assert found & {"repair_cafe", "fietsenwerkplaats", "sleutelclub_motoren", "mannenschuur"}


def test_handig_never_matches_handwerken():
    assert stem("handig") != stem("hand")
    assert "handwerkclub" not in wish_types("handig")
    knitting = listing("Handwerkclub", "Samen handwerken: breien en haken.", ["creatief"])
    assert keyword_hits(["handig"], knitting) == []


@pytest.mark.parametrize("narrative, refused_category", [
    ("Mevrouw wil geen sport, daar heeft ze een hekel aan.", "bewegen"),
    ("Niet bij de kerk, dat wil hij echt niet.", "levensbeschouwing"),
])
def test_a_refusal_is_no_wish(narrative, refused_category):
    x = intake("wandelen", narrative)
    assert refused_category in x.refused_categories or any(
        refused_category in taxonomy().types[t].categories for t in x.refused_types)
    assert all(refused_category not in w.categories for w in x.wishes)


@pytest.mark.parametrize("interests", ["weinig geld", "dichtbij huis", "niet bij de bejaarden", "geen sport"])
def test_constraints_and_refusals_as_keywords_are_no_wishes(interests):
    assert intake(interests).wishes == []


def test_a_name_in_the_narrative_is_not_split_into_activity_words():
    # Kerkrade is a town (not a church), Heerlens a dialect (not a camera lens)
    assert wish_types(narrative="Meneer woont in Kerkrade en spreekt Heerlens.") == set()
    assert "koor" in wish_types(narrative="Meneer woont in Kerkrade en zingt graag in een koor.")


def test_one_phrase_of_the_narrative_is_one_wish():
    found = [w for w in intake(narrative="Mevrouw zingt graag.").wishes if w.source == "narrative"]
    assert len(found) == 1 and "koor" in found[0].types


def test_the_client_is_in_a_group_only_when_the_intake_says_so():
    carer = intake("wandelen", "Mevrouw zorgt al jaren voor haar man, die dementie heeft.")
    assert any(taxonomy().groups[g].kind == "situation" for g in carer.groups)
    plain = intake("wandelen", "Meneer is met pensioen en verveelt zich.")
    assert not any(taxonomy().groups[g].kind in ("situation", "condition") for g in plain.groups)


# --- matching: target groups and the per-wish verdict -------------------------------------------------

def test_a_group_for_a_condition_is_not_offered_to_a_client_who_never_mentioned_it(matcher):
    result = matcher.match(ClientProfile(interests="koffie drinken, praten", lat=CENTRE[0], lon=CENTRE[1],
                                         age=70, max_distance_km=5), limit=10)
    conditions = {k for k, g in taxonomy().groups.items() if g.kind == "condition"}
    assert all(not set(s.activity.target_groups or []) & conditions for s in result.suggestions[:5])


def test_the_overall_verdict_follows_from_the_wishes(matcher):
    rng = random.Random(11)
    for _ in range(40):
        result = matcher.match(random_profile(rng), limit=10)
        t = result.tailored
        shown = {s.activity.id: s for s in result.suggestions}
        met = [w for w in t.wishes if w.status == MET]
        assert t.needed == (not met), t.reason
        for w in met:
            assert w.met_by and set(w.met_by) <= set(shown)     # named, and among the suggestions
            assert w.chance >= signals.CURRENT.threshold
            assert w.chance >= chance_of_a_fit([shown[i].fit for i in w.met_by]) - 1e-3 > 0
        for w in t.wishes:
            if w.status == UNMET:
                assert w.chance < signals.CURRENT.threshold and not w.met_by
        for s in result.suggestions:
            assert s.meets == [w.wish for w in met if s.activity.id in w.met_by]


def test_several_suggestions_of_a_kind_together_make_a_fit_likely():
    assert chance_of_a_fit([]) == 0.0
    assert chance_of_a_fit([0.6]) == pytest.approx(0.6)
    assert chance_of_a_fit([0.6, 0.6, 0.6]) == pytest.approx(1 - 0.4 ** 3)
    assert chance_of_a_fit([0.6, 0.0]) == pytest.approx(0.6)   # a non-fit adds nothing


@pytest.mark.parametrize("interests", ["asdfgh", "qwrtzx, jjjkkk"])
def test_gibberish_is_not_understood_and_never_met(matcher, interests):
    result = matcher.match(ClientProfile(interests=interests, lat=CENTRE[0], lon=CENTRE[1], max_distance_km=3))
    t = result.tailored
    assert [w.status for w in t.wishes] == [NOT_UNDERSTOOD] * len(t.wishes) and t.wishes
    assert t.needed is True and "niet begrepen" in t.reason.lower()


def test_punctuation_only_interests_are_no_wishes():
    assert intake(", , ,").wishes == []


def test_a_wish_not_understood_beside_one_that_is_met_is_reported(matcher):
    result = matcher.match(ClientProfile(interests="wandelen, asdfgh", lat=CENTRE[0], lon=CENTRE[1],
                                         age=70, max_distance_km=3))
    status = {w.wish: w.status for w in result.tailored.wishes}
    assert status["asdfgh"] == NOT_UNDERSTOOD and status["wandelen"] == MET
    assert result.tailored.needed is False and "Niet begrepen: 'asdfgh'" in result.tailored.reason


def test_adding_a_wish_never_takes_away_a_fit(matcher):
    profile = dict(lat=CENTRE[0], lon=CENTRE[1], age=70, max_distance_km=3)
    one = matcher.match(ClientProfile(interests="zingen", **profile))
    more = matcher.match(ClientProfile(interests="zingen, zweefvliegen, zeilen op zee, bergbeklimmen", **profile))
    assert one.tailored.needed is False
    status = {w.wish: w.status for w in more.tailored.wishes}
    assert status["zingen"] == MET and more.tailored.needed is False


def test_an_explanation_names_the_wish_and_the_type(matcher):
    result = matcher.match(ClientProfile(interests="wandelen", lat=CENTRE[0], lon=CENTRE[1], age=70,
                                         max_distance_km=3))
    first = next(s for s in result.suggestions if s.meets)
    assert "'wandelen'" in first.explanation


# --- learned weights ---------------------------------------------------------------------------------

def test_the_learned_weights_load_and_are_in_use():
    assert signals.WEIGHTS_FILE.exists(), "train them: python -m training.train"
    model = signals.Model.from_file(signals.WEIGHTS_FILE)
    assert set(model.weights) == set(signals.HAND_WEIGHTS)
    assert 0 < model.threshold < 1 and model.slope > 0
    assert signals.CURRENT.weights == model.weights and signals.CURRENT.source == signals.WEIGHTS_FILE.name
    data = json.loads(signals.WEIGHTS_FILE.read_text())
    assert len(data["trained_on"]) >= 4 and "dev" not in data["trained_on"]


def test_a_weights_file_without_every_signal_is_refused(tmp_path):
    data = json.loads(signals.WEIGHTS_FILE.read_text())
    data["weights"].pop(next(iter(data["weights"])))
    (tmp_path / "w.json").write_text(json.dumps(data))
    with pytest.raises(ValueError, match="retrain"):
        signals.Model.from_file(tmp_path / "w.json")


def test_the_service_refuses_to_start_on_a_stale_weights_file(monkeypatch, demo_store, encoder):
    from fastapi.testclient import TestClient
    from tests.factories import make_app
    monkeypatch.setattr(signals, "LOAD_PROBLEM", "weights.json lacks weights for x: retrain")
    with pytest.raises(RuntimeError, match="retrain"):
        with TestClient(make_app(demo_store, encoder)):
            pass


def test_the_query_adapter_is_in_use_for_the_model_it_was_learned_for(demo_store, encoder):
    import numpy as np
    from matcher.engine import Matcher
    adapter = signals.CURRENT.adapter
    assert adapter is not None and adapter.fits(encoder.name), "train it: python -m training.train"
    raw = encoder.query("wandelen in de natuur")
    moved = adapter.apply(raw)
    assert abs(float(np.linalg.norm(moved)) - 1) < 1e-5
    assert 0.5 < float(raw @ moved) < 0.9999   # a correction, not a new vector
    ctx = Matcher(demo_store, encoder).context(ClientProfile(interests="wandelen in de natuur", lat=CENTRE[0], lon=CENTRE[1]))
    assert np.allclose(ctx.interest_vec, moved, atol=1e-6)


def test_an_adapter_learned_for_another_model_is_not_applied(monkeypatch, demo_store, encoder):
    import numpy as np
    from matcher.engine import Matcher
    other = dataclasses.replace(signals.CURRENT.adapter, encoder="another-model|query: |passage: ")
    monkeypatch.setattr(signals, "CURRENT", dataclasses.replace(signals.CURRENT, adapter=other))
    ctx = Matcher(demo_store, encoder).context(ClientProfile(interests="wandelen in de natuur", lat=CENTRE[0], lon=CENTRE[1]))
    assert np.allclose(ctx.interest_vec, encoder.query("wandelen in de natuur"))


def test_weights_naming_a_missing_adapter_are_refused(tmp_path):
    (tmp_path / "w.json").write_text(signals.WEIGHTS_FILE.read_text())
    with pytest.raises(ValueError, match="query_adapter.json, which is missing: retrain"):
        signals.Model.from_file(tmp_path / "w.json")


def test_an_idiom_about_getting_out_is_about_people_not_nature():
    intake = analyse(ClientProfile(interests="iets leuks, buiten de deur", postcode="3701 AB"))
    out = next(w for w in intake.wishes if w.text == "buiten de deur")
    assert out.needs == {"onder_de_mensen": ["buiten de deur"]} and not out.categories and not out.types
    outdoors = analyse(ClientProfile(interests="naar buiten", postcode="3701 AB")).wishes[0]
    assert "natuur" in outdoors.categories      # the word itself still means outdoors


def test_guilt_is_no_debt():
    intake = analyse(ClientProfile(narrative="Veel verdriet en schuldgevoel sinds haar man overleed.",
                                   interests="wandelen", postcode="3701 AB"))
    assert "schulden" not in intake.groups
    assert "schulden" in analyse(ClientProfile(narrative="Heeft schulden.", interests="wandelen",
                                               postcode="3701 AB")).groups


@pytest.mark.parametrize("interests, narrative, expected", [
    ("vrijwilligerswerk zorg", "", "vrijwilliger_zorginstelling"),
    ("vrijwilligerswerk, ouderen", "", "bezoekvrijwilliger"),
    ("vrijwilliger, dieren", "", "dierenasiel_vrijwilliger"),
    ("wandelen", "Wil graag vrijwilligerswerk doen, het liefst met zieken.", "vrijwilliger_zorginstelling"),
])
def test_whom_a_volunteer_wants_to_help_names_the_job(interests, narrative, expected):
    assert expected in wish_types(interests, narrative)


def test_whom_to_help_says_nothing_without_volunteering():
    assert "bezoekvrijwilliger" not in wish_types("ouderen, koffie")   # peers, not a volunteer job
    assert "vrijwilliger_zorginstelling" not in wish_types("wandelen", "Haar moeder is ziek en zij zorgt voor haar.")


def test_a_hobby_that_a_volunteer_job_also_serves_does_not_ask_for_volunteering():
    from matcher.wish_fit import masks
    playing = analyse(ClientProfile(interests="voetbal", postcode="3701 AB"))
    assert not masks(playing).asks_volunteering     # a job at the football club counts against
    useful = analyse(ClientProfile(interests="wandelen", narrative="Wil zich weer nuttig voelen.", postcode="3701 AB"))
    assert masks(useful).asks_volunteering


def test_refusing_the_church_holds_against_a_church_choir_but_refusing_sport_not_against_walking():
    from matcher.wish_fit import knowledge_signals, masks
    choir = listing("Kerkkoor", "Het kerkkoor van de parochie zingt elke zondag in de viering.", ["muziek"])
    walk = listing("Wandelgroep", "Elke dinsdag een stevige wandeling.", ["wandelen", "bewegen"])
    church = analyse(ClientProfile(interests="zingen, niet in de kerk", postcode="3701 AB"))
    assert knowledge_signals(masks(church), [choir])["refused"][0] == 1.0
    sport = analyse(ClientProfile(interests="wandelen, geen sport", postcode="3701 AB"))
    assert knowledge_signals(masks(sport), [walk])["refused"][0] == 0.0


def test_a_client_who_speaks_no_dutch_is_a_learner_and_a_dutch_speaker_is_not():
    from matcher.wish_fit import knowledge_signals, masks
    cafe = listing("Taalcafé", "Nederlands oefenen met vrijwilligers, bij een kop koffie.", ["taal", "ontmoeting"])
    assert "nieuwkomers" in assign(cafe).groups
    learner = analyse(ClientProfile(interests="mensen ontmoeten", languages=["ar"], postcode="3701 AB"))
    native = analyse(ClientProfile(interests="mensen ontmoeten", postcode="3701 AB"))
    assert "nieuwkomers" in learner.groups and "nieuwkomers" not in native.groups
    assert knowledge_signals(masks(native), [cafe])["group_outsider"][0] == 1.0
    practising = analyse(ClientProfile(interests="nederlands oefenen", languages=["nl", "tr"], postcode="3701 AB"))
    assert "nieuwkomers" in practising.groups


def test_a_job_told_in_the_narrative_does_not_ask_for_volunteering():
    from matcher.wish_fit import masks
    working = analyse(ClientProfile(narrative="Werkt drie dagen in de administratie.", interests="wandelen, maatje",
                                    postcode="3701 AB"))
    assert not masks(working).asks_volunteering    # so volunteer roles count against this client
    asking = analyse(ClientProfile(interests="vrijwilligerswerk, wandelen", postcode="3701 AB"))
    assert masks(asking).asks_volunteering
