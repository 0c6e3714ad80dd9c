"""The seeded demo and load generator behind ``kttt demo-data`` and the benchmark.

* :mod:`.entities`: the province, its units and places, the cooperatives and groups, and the draws that make them;
* :mod:`.world`: a province's cooperatives and groups across quarters and the reform;
* :mod:`.population`: the units, cooperatives and groups of a period and the planted cases (pure data);
* :mod:`.oracle`: the figures and findings the pipeline should produce from them;
* :mod:`.render_returns`, :mod:`.render_register`, :mod:`.render_province`: the files, in their layouts;
* :mod:`.period`: :func:`write_demo_period`, the whole period;
* ``data/*.csv``: the distributions, word lists, name pools and layout choices (read by :mod:`.words`).
"""

from kttt_pipeline.demo.oracle import DemoSummary, PlantedCase
from kttt_pipeline.demo.period import write_demo_period

__all__ = ["DemoSummary", "PlantedCase", "write_demo_period"]
