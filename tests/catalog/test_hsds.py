"""Open Referral HSDS 3.1: the demo catalog exported as a datapackage and as JSON (validated against
the vendored HSDS schemas), imported back unchanged, and the HSDS example datapackage imported with
every miss explained."""
from __future__ import annotations

import csv
import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from catalog.csv_import import read_catalog_csv
from catalog.taxonomy import taxonomy
from catalog.hsds.export import export_datapackage, export_json
from catalog.hsds.importer import import_datapackage
from catalog.hsds.mapping import (
    category_for, euros_per_month, language_code, organization_id, service_id, weekly_slots,
)
from catalog.postcode_import import read_postcode_csv
from catalog.validation import validate_row
from tests import hsds_checks
from tests.helpers import DEMO_CATALOG, DEMO_POSTCODES, ROOT

EXAMPLE = ROOT / "tests" / "fixtures" / "hsds_example"


@pytest.fixture(scope="module")
def demo():
    return read_catalog_csv(DEMO_CATALOG).activities


@pytest.fixture(scope="module")
def places():
    return {p.postcode: p for p in read_postcode_csv(DEMO_POSTCODES)[0]}.get


@pytest.fixture(scope="module")
def package(demo, places, tmp_path_factory) -> Path:
    """The demo catalog exported once. Read-only for tests: copy it to change it."""
    out = tmp_path_factory.mktemp("hsds")
    export_datapackage(demo, out, places)
    return out


def test_listing_types_and_target_groups_are_published_as_terms(demo, places, tmp_path):
    from matcher.activity_types import assign
    typed = []
    for a in demo:
        found = assign(a)
        typed.append(dataclasses.replace(a, types=found.types, target_groups=found.groups))
    export_datapackage(typed, tmp_path, places)
    terms = {t["id"]: t for t in table(tmp_path, "taxonomy_terms.csv")}
    attributes = table(tmp_path, "attributes.csv")
    for a, link in ((a, service_id(a.id)) for a in typed[:40]):
        mine = {terms[x["taxonomy_term_id"]]["code"]: terms[x["taxonomy_term_id"]]["taxonomy"]
                for x in attributes if x["link_id"] == link}
        assert all(mine.get(t) == "socialmap-activity-types" for t in a.types), a.id
        assert all(mine.get(g) == "socialmap-target-groups" for g in a.target_groups), a.id
    assert sum(bool(a.types) for a in typed) >= 0.9 * len(typed)


def table(directory: Path, name: str) -> list[dict]:
    with open(directory / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def rewrite(directory: Path, name: str, change) -> None:
    rows = table(directory, name)
    with open(directory / name, encoding="utf-8", newline="") as f:
        columns = next(csv.reader(f))
    for row in rows:
        change(row)
    with open(directory / name, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, columns)
        writer.writeheader()
        writer.writerows(rows)


def test_datapackage_rows_satisfy_the_hsds_table_schemas(package):
    assert hsds_checks.datapackage_errors(package) == []
    assert len(table(package, "services.csv")) == 194
    known = taxonomy()
    assert len(table(package, "taxonomy_terms.csv")) == 25 + 6 + len(known.types) + len(known.groups)
    assert {t["name"] for t in table(package, "taxonomies.csv")} == {
        "socialmap-categories", "socialmap-properties", "socialmap-activity-types", "socialmap-target-groups"}

    resources = {r["name"]: r for r in json.loads((package / "datapackage.json").read_text())["resources"]}
    assert {(k["fields"], k["reference"]["resource"]) for k in resources["schedule"]["schema"]["foreignKeys"]} == {
        ("service_id", "service"), ("location_id", "location"), ("service_at_location_id", "service_at_location")}
    assert resources["service"]["schema"]["primaryKey"] == "id" and resources["service"]["path"] == "services.csv"


def test_the_checker_catches_a_wrong_row(package, tmp_path):
    copy = shutil.copytree(package, tmp_path / "p")
    rewrite(copy, "services.csv", lambda r: r.update(status="open") if r["name"].startswith("Wandelgroep") else None)
    rewrite(copy, "schedules.csv", lambda r: r.update(opens_at="10u"))
    errors = hsds_checks.datapackage_errors(copy)
    assert any("'open' is not one of" in e for e in errors)
    assert any("opens_at '10u' is not a time" in e for e in errors)


def test_export_is_reproducible_with_stable_ids(demo, places, package, tmp_path):
    again = tmp_path / "again"
    export_datapackage(demo, again, places)
    for path in package.iterdir():
        assert (again / path.name).read_bytes() == path.read_bytes(), path.name
    # uuid5 of our ids and names: consumers keep their links across exports, so these never change.
    assert service_id("z001") == "7a27ee67-c39e-5deb-9dd5-4bd03778b333"
    assert organization_id("Welzijn Zeist (demo)") == "e1095034-d976-5cf1-a042-759aacc84d41"


def test_json_services_satisfy_the_compiled_service_schema(demo, places):
    services = export_json(demo, places)
    assert len(services) == 194
    for service in services:
        assert hsds_checks.json_errors(service, hsds_checks.service_schema()) == [], service["name"]
    walk = services[0]  # z001 Wandelgroep Zeist Centrum, di 10:00-11:30, free, wheelchair yes
    assert walk["name"] == "Wandelgroep Zeist Centrum" and walk["status"] == "active"
    assert walk["organization"]["name"] == "Welzijn Zeist (demo)" and walk["assured_date"] == "2026-03-11"
    assert walk["minimum_age"] == 50 and "maximum_age" not in walk
    assert walk["email"] == "info@welzijnzeist-demo.example"
    (placed,) = walk["service_at_locations"]
    location = placed["location"]
    assert (location["latitude"], location["longitude"]) == (52.08851, 5.23259)
    assert location["addresses"][0] | {"id": None, "location_id": None} == {
        "id": None, "location_id": None, "address_1": "Steynlaan 19", "postal_code": "3701 DT", "city": "Zeist",
        "state_province": "Zeist", "country": "NL", "address_type": "physical"}
    assert location["accessibility"][0]["description"] == "Toegankelijk voor rolstoelgebruikers."
    (slot,) = placed["schedules"]
    assert (slot["freq"], slot["interval"], slot["byday"], slot["opens_at"], slot["closes_at"]) == (
        "WEEKLY", 1, "TU", "10:00:00", "11:30:00")
    assert [(lang["code"], lang["name"]) for lang in walk["languages"]] == [("nl", "Nederlands")]
    assert [(c["amount"], c["currency"]) for c in walk["cost_options"]] == [(0, "EUR")]
    categories = [a["taxonomy_term"]["name"] for a in walk["attributes"] if a["link_type"] == "category"]
    assert categories == ["wandelen", "mensen ontmoeten"]
    values = {a["taxonomy_term"]["code"]: a["value"] for a in walk["attributes"] if a["link_type"] == "property"}
    assert values == {"activity_id": "z001", "kind": "formal", "gender": "any", "neighbourhood": "Centrum",
                      "capacity": "open"}


def test_round_trip_gives_the_same_activities(demo, package):
    activities, report = import_datapackage(package)
    assert activities == demo  # every field of the exchange format
    assert report.skipped == [] and report.notes == []
    assert report.mapped[service_id("z001")] == "z001" and len(report.mapped) == 194


def test_round_trip_of_unusual_values(tmp_path, rows6):
    rows6[0].update(contact="030-1234567", schedule="ma 20:00-24:00; do 00:00-06:30", culture="Turks",
                    languages="tr;xx;nl", cost_eur_month="12.5", wheelchair="unknown", max_age="67")
    rows6[1].update(contact="https://example.org/aanmelden", gender="female", capacity="full", kind="informal")
    rows6[2].update(contact="Bel Fatma na 18 uur", categories="dieren;wandelen", schedule="")
    rows6[3].update(wheelchair="no", address=rows6[0]["address"], postcode=rows6[0]["postcode"])
    activities = [validate_row(r) for r in rows6]
    export_datapackage(activities, tmp_path)  # no postcode table: city 'onbekend'
    assert hsds_checks.datapackage_errors(tmp_path) == []
    back, report = import_datapackage(tmp_path)
    assert back == activities and report.notes == []
    assert {r["city"] for r in table(tmp_path, "addresses.csv")} == {"onbekend"}


def test_a_paused_activity_is_a_temporarily_closed_service(demo):
    paused = dataclasses.replace(demo[0], paused=True)
    (service,) = export_json([paused])
    assert service["status"] == "temporarily closed"


def test_the_hsds_example_imports_and_every_miss_is_explained():
    activities, report = import_datapackage(EXAMPLE)
    assert activities == [] and report.mapped == {}
    (outcome,) = report.outcomes
    assert outcome.service_id == "ac148810-d857-441c-9679-408f346de14b" and outcome.name == "Community Counselling"
    reasons = "\n".join(outcome.reasons)
    for expected in ("lat (from locations latitude): 100.0 lies outside the Netherlands",
                     "postcode (from addresses postal_code): 'ABC 1234' is not a Dutch postcode",
                     "cost_eur_month (from cost_options in EUR per month): is empty",
                     "categories (from attributes with taxonomy terms): is empty"):
        assert expected in reasons
    text = "\n".join(report.lines())
    for expected in (
            "1 service(s), 0 became activities, 1 not imported",
            "datapackage.json: holds only the link '../../datapackage.json'",
            "funding.csv: not read: funding records have no place in an activity",
            "services.csv field 'interpretation_services': no place in an activity",
            "cost_options.csv field 'amount': 35 gbp 'per 1 hour session' is not an amount in euro per month",
            "schedules.csv: not a weekly slot (limited by byweekno, bymonthday, byyearday, count: not every week)",
            "accessibility.csv field 'description': free text is not read; wheelchair access 'unknown'",
            "attributes.csv: linked to no imported service",
            "services.csv: kind not given (no attribute of taxonomy socialmap-properties): 'formal' assumed"):
        assert expected in text


def test_the_hsds_example_made_dutch_becomes_an_activity_with_documented_fallbacks(tmp_path, places):
    copy = shutil.copytree(EXAMPLE, tmp_path / "example")
    rewrite(copy, "locations.csv", lambda r: r.update(latitude="", longitude=""))
    rewrite(copy, "addresses.csv", lambda r: r.update(postal_code="3701DT"))
    rewrite(copy, "cost_options.csv", lambda r: r.update(currency="eur", amount="7.5", amount_description="per maand"))
    rewrite(copy, "attributes.csv", lambda r: r.update(link_id="ac148810-d857-441c-9679-408f346de14b", link_entity="service"))
    rewrite(copy, "taxonomy_terms.csv", lambda r: r.update(name="Lotgenotencontact"))
    rewrite(copy, "schedules.csv", lambda r: r.update(byweekno="", bymonthday="", byyearday="", count=""))
    activities, report = import_datapackage(copy, places=places)
    (activity,) = activities
    assert report.mapped == {"ac148810-d857-441c-9679-408f346de14b": "ac148810-d857-441c-9679-408f346de14b"}
    assert (activity.title, activity.organisation) == ("Community Counselling", "Example Organization Inc.")
    assert activity.categories == ["lotgenoten"] and activity.languages == ["ur"]
    assert (activity.lat, activity.lon, activity.neighbourhood) == (52.08851, 5.23259, "Centrum")
    assert [str(s) for s in activity.schedule] == ["do 10:00-18:00", "vr 10:00-18:00"]
    assert (activity.kind, activity.gender, activity.capacity, activity.wheelchair) == ("formal", "any", "open", "unknown")
    assert (activity.cost_eur_month, activity.min_age, activity.max_age) == (7.5, 12, 100)
    assert activity.contact == "email@example.com" and str(activity.last_verified) == "2005-01-01"
    text = "\n".join(report.lines())
    assert "term 'Lotgenotencontact' of taxonomy 'taxonomy' taken as our category 'lotgenoten'" in text
    assert "no coordinates: those of postcode 3701 DT from the postcode table used" in text
    assert "no neighbourhood given: the postcode table's neighbourhood used" in text


def test_a_bad_service_is_skipped_with_its_reason_and_the_rest_import(package, tmp_path, demo):
    copy = shutil.copytree(package, tmp_path / "p")
    target = next(r for r in table(copy, "locations.csv") if r["name"] == "Steynlaan 19")
    rewrite(copy, "locations.csv", lambda r: r.update(latitude="5.2") if r["id"] == target["id"] else None)
    activities, report = import_datapackage(copy)
    at_steynlaan = {a.id for a in demo if a.address == "Steynlaan 19"}
    assert {a.id for a in activities} == {a.id for a in demo} - at_steynlaan
    assert len(report.skipped) == len(at_steynlaan)
    assert all(o.reasons == ["lat (from locations latitude): 5.2 lies outside the Netherlands (50.6 to 53.7) "
                             "(are lat and lon swapped?)"] for o in report.skipped)


def test_a_service_in_two_places_becomes_two_activities(package, tmp_path):
    copy = shutil.copytree(package, tmp_path / "p")
    placed = table(copy, "service_at_location.csv")  # z001's first, z002's second
    extra = {**placed[0], "id": "00000000-0000-4000-8000-000000000001", "location_id": placed[1]["location_id"]}
    with open(copy / "service_at_location.csv", "a", encoding="utf-8", newline="") as f:
        csv.DictWriter(f, list(extra)).writerow(extra)
    activities, report = import_datapackage(copy)
    first, second = (a for a in activities if a.title == "Wandelgroep Zeist Centrum")
    assert (first.id, second.id) == (placed[0]["id"], extra["id"])
    assert (first.address, second.address) == ("Steynlaan 19", next(a.address for a in activities if a.id == "z002"))
    assert report.mapped[extra["id"]] == extra["id"]
    assert "activity_id ignored: the service has 2 locations" in "\n".join(report.lines())


def test_an_activity_id_used_twice_skips_the_second_service(package, tmp_path):
    copy = shutil.copytree(package, tmp_path / "p")
    rewrite(copy, "attributes.csv", lambda r: r.update(value="z002") if r["value"] == "z003" else None)
    activities, report = import_datapackage(copy)
    assert len(activities) == 193 and "z003" not in {a.id for a in activities}
    (skipped,) = report.skipped
    assert (skipped.service_id, skipped.reasons) == (
        service_id("z003"), [f"activity id 'z002' is already that of service {service_id('z002')}"])


def test_weekly_slots():
    row = {"freq": "WEEKLY", "byday": "MO,we", "opens_at": "09:30:00+01:00", "closes_at": "00:00"}
    assert weekly_slots(row) == (["ma 09:30-24:00", "wo 09:30-24:00"], None)
    assert weekly_slots({**row, "freq": "MONTHLY"})[1] == "freq 'MONTHLY' is not WEEKLY"
    assert weekly_slots({**row, "interval": "2"})[1] == "every 2 weeks, not every week"
    assert weekly_slots({**row, "byday": "2MO"})[1] == "byday '2MO' does not name days MO..SU"
    assert weekly_slots({**row, "opens_at": ""})[1] == "opens_at/closes_at are not both times (HH:MM)"


def test_languages_costs_and_categories_from_other_sources():
    assert [language_code(c, n) for c, n in (("ur", "Urdu"), ("nld", ""), ("en-GB", ""), ("", "Turks"),
                                             ("", "Arabic"), ("xyz", "Klingon"))] == ["ur", "nl", "en", "tr", "ar", None]
    assert euros_per_month({"currency": "EUR", "amount": "4", "amount_description": "per maand"}) == 4
    assert euros_per_month({"currency": "eur", "amount": "0", "option": "per les"}) == 0  # free is free
    assert euros_per_month({"currency": "EUR", "amount": "4", "option": "per les"}) is None
    assert euros_per_month({"currency": "GBP", "amount": "4", "option": "per month"}) is None
    assert [category_for(c, n) for c, n in (("", "Koken en samen eten"), ("koken-eten", ""), ("", "cooking"))] == [
        "koken_eten", "koken_eten", None]
