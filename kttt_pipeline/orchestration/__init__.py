"""The Dagster wiring: assets, checks, resources, partitions, schedule and sensor, assembled in ``definitions``."""
