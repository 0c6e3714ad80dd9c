"""kttt: the data pipeline behind a Vietnamese province's collective-economy (KTTT) plan."""

__version__ = "0.1.0"
