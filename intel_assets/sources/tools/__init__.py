"""One module per tool, each declaring the raw tables its native export becomes."""
