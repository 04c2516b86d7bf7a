"""The municipality's view: where and for whom the activity offer falls short (gap analysis, the
80/20 indicator, coverage), from the catalog and anonymous intake records. Reads catalog/ and
matcher/; api/ serves it."""
