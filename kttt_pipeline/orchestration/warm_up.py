"""What the run's later steps will import, imported while the reading workers of a large period read.

The reading step waits for its worker processes; meanwhile this process imports Great Expectations and builds
the suite's context (the warehouse check), and imports the chart library (the reports), which would otherwise
be paid, seconds of it, inside those steps. Nothing is computed: a failure here is left for the step that needs
the module to raise."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def prepare_later_steps() -> None:
    try:
        from kttt_pipeline.quality.warehouse_suite import prepare_suite

        prepare_suite()
        import kttt_pipeline.publish.charts  # noqa: F401  matplotlib, set up for files (Agg)
    except Exception as exc:  # noqa: BLE001  the step that needs it raises it, with its own context
        log.debug("warm-up of the later steps failed: %s", exc)
