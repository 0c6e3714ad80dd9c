"""The raw-folder sensor's interval: 60 s, or the deployment's KTTT_SENSOR_INTERVAL_SECONDS."""

import pytest

from kttt_pipeline.orchestration.automation import SENSOR_INTERVAL_ENV, SENSOR_INTERVAL_SECONDS, sensor_interval_seconds


def test_the_interval_is_a_minute_unless_the_deployment_sets_it(monkeypatch):
    monkeypatch.delenv(SENSOR_INTERVAL_ENV, raising=False)
    assert sensor_interval_seconds() == SENSOR_INTERVAL_SECONDS == 60
    monkeypatch.setenv(SENSOR_INTERVAL_ENV, " 300 ")
    assert sensor_interval_seconds() == 300


@pytest.mark.parametrize("value", ["0", "-5", "1.5", "một phút"])
def test_an_interval_that_is_no_whole_number_of_seconds_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv(SENSOR_INTERVAL_ENV, value)
    with pytest.raises(ValueError, match=SENSOR_INTERVAL_ENV):
        sensor_interval_seconds()
