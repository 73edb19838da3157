"""Identity resolution: which source identifiers are one person, and which people one
paying account."""
