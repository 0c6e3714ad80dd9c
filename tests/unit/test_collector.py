"""processes/collector.py: the cyclic collector paused or kept off the objects alive, and restored after."""

import gc

import pytest

from kttt_pipeline.processes.collector import collector_frozen, collector_paused


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


def _tracked(obj) -> bool:
    return any(o is obj for o in gc.get_objects())


def test_frozen_objects_are_out_of_the_collectors_reach_for_the_block_only():
    alive = [[n] for n in range(3)]
    assert _tracked(alive)
    with collector_frozen():
        assert not _tracked(alive)  # in the permanent generation: no collection traverses (writes to) it
        made_inside = [[1]]
        assert _tracked(made_inside)
    assert _tracked(alive) and gc.get_freeze_count() == 0


def test_a_freeze_made_before_is_left_as_it_was():
    alive = [[1]]
    gc.freeze()
    try:
        with collector_frozen():
            pass
        assert gc.get_freeze_count() > 0 and not _tracked(alive)
    finally:
        gc.unfreeze()


def test_slowed_collects_the_youngest_generation_less_often_inside_only_even_on_an_error():
    from kttt_pipeline.processes.collector import YOUNG_THRESHOLD, collector_slowed

    before = gc.get_threshold()
    assert before[0] < YOUNG_THRESHOLD
    with pytest.raises(RuntimeError), collector_slowed():
        assert gc.get_threshold() == (YOUNG_THRESHOLD, *before[1:])
        raise RuntimeError("a province failed")
    assert gc.get_threshold() == before
