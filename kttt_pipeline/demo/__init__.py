"""The seeded demo and load generator behind ``kttt demo-data``."""
