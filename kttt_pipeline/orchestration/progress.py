"""Progress of a period run as it goes: one line when a step starts and one when it ends, in Vietnamese, read from
the run's Dagster event stream (``kttt materialize``). The steps' own log lines (``context.log``) say what each
stage did in the run's log in the UI."""

from __future__ import annotations

import sys
import time
import uuid
from typing import TextIO

import dagster as dg

#: the steps of the period job in run order, with what the clerk's engineer reads for each
STEPS: dict[str, str] = {
    "raw_return_files": "Kiểm kê các tệp đã nhận",
    "staged_returns": "Đọc các tệp báo cáo",
    "reconciled_period": "Đối chiếu, tính chỉ tiêu và phát hiện",
    "warehouse_period": "Kiểm tra và nạp vào kho dữ liệu",
    "published_reports": "Lập báo cáo công bố",
}


def _seconds_vn(seconds: float) -> str:
    return f"{seconds:.1f}".replace(".", ",") + " giây"


class StepProgress:
    """An event listener (``DagsterInstance.add_event_listener``) that prints a line as each step starts and
    ends: ``[2/5] Đọc các tệp báo cáo: xong (3,2 giây)``."""

    def __init__(self, out: TextIO | None = None):
        self.out = out
        self.started: dict[str, float] = {}

    def _line(self, step: str, text: str) -> None:
        label = STEPS.get(step, step)
        number = list(STEPS).index(step) + 1 if step in STEPS else "?"
        out = self.out or sys.stderr
        print(f"  [{number}/{len(STEPS)}] {label}{text}", file=out, flush=True)

    def __call__(self, entry) -> None:
        event = entry.dagster_event
        if event is None or event.step_key is None:
            return
        step = event.step_key
        if event.event_type == dg.DagsterEventType.STEP_START:
            self.started[step] = time.monotonic()
            self._line(step, " …")
        elif event.event_type == dg.DagsterEventType.STEP_SUCCESS:
            self._line(step, f": xong ({_seconds_vn(event.event_specific_data.duration_ms / 1000)})")
        elif event.event_type == dg.DagsterEventType.STEP_FAILURE:
            spent = time.monotonic() - self.started.get(step, time.monotonic())
            self._line(step, f": LỖI sau {_seconds_vn(spent)} (lý do bên dưới)")
        elif event.event_type == dg.DagsterEventType.STEP_SKIPPED:
            self._line(step, ": bỏ qua (bước trước không thành công)")


def execute_with_progress(
    job: dg.JobDefinition, *, out: TextIO | None = None, instance: dg.DagsterInstance | None = None, **kwargs
) -> dg.ExecuteInProcessResult:
    """``job.execute_in_process(**kwargs)`` printing the steps' progress to ``out`` (default: stderr) as they
    run; in ``instance`` (default: an ephemeral one, as ``execute_in_process`` would take)."""
    run_id = str(uuid.uuid4())  # a Dagster run id, known before the run so the listener can follow it
    if instance is None:
        with dg.DagsterInstance.ephemeral() as ephemeral:
            ephemeral.add_event_listener(run_id, StepProgress(out))
            return job.execute_in_process(instance=ephemeral, run_id=run_id, **kwargs)
    instance.add_event_listener(run_id, StepProgress(out))
    return job.execute_in_process(instance=instance, run_id=run_id, **kwargs)
