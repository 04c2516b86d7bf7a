"""Geocoders over geopy's interface. The default answers Dutch postcodes from the store's own
offline postcode table, so an intake never sends a client's address anywhere."""
from __future__ import annotations

from geopy.geocoders.base import Geocoder
from geopy.location import Location

from catalog.store import Store
from catalog.validation import normalise_postcode


class PostcodeTableGeocoder(Geocoder):
    """geopy Geocoder that looks a postcode up in the store (6-character first, then its 4-digit area)."""

    def __init__(self, store: Store):
        super().__init__()
        self.store = store

    def geocode(self, query: str, exactly_one: bool = True, **_ignored) -> Location | list[Location] | None:
        try:
            code = normalise_postcode(query)
        except ValueError:
            return None
        found = self.store.postcode(code)
        if found is None:
            return None
        label = found.postcode + (f", {found.neighbourhood}" if found.neighbourhood else "") \
            + (f", {found.municipality}" if found.municipality else "")
        location = Location(label, (found.lat, found.lon), {"postcode": found.postcode,
                                                           "neighbourhood": found.neighbourhood,
                                                           "exact": found.postcode == code})
        return location if exactly_one else [location]
