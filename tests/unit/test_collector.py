"""core/collector.py: the cyclic collector paused or kept off the objects alive, and restored after."""

import gc

import pytest

from kttt_pipeline.core.collector import collector_frozen, collector_paused


def test_paused_inside_restored_after_even_on_an_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("a reader failed")
    assert gc.isenabled()


def test_a_pause_inside_a_pause_leaves_the_collector_off_until_the_outer_one_ends():
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_frozen_objects_are_out_of_the_collectors_reach_for_the_block_only():
    alive = [[n] for n in range(1000)]
    with collector_frozen():
        assert gc.get_freeze_count() >= len(alive)
    assert gc.get_freeze_count() == 0
    assert len(alive) == 1000
