"""Domain primitives every stage shares: text folding, values, tax codes, periods, admin units, vocabularies,
findings, configuration."""
