"""`collector.bulk`: no automatic full collections inside, the caller's policy back after,
whatever order nested readers end in."""

import gc

from utrex_sdk import collector


def test_bulk_turns_off_full_passes_and_puts_back_the_callers_policy():
    before = gc.get_threshold()
    try:
        gc.set_threshold(500, 7, 9)
        with collector.bulk():
            assert gc.get_threshold() == (500, 7, collector.NO_FULL_PASSES)
        assert gc.get_threshold() == (500, 7, 9)
    finally:
        gc.set_threshold(*before)


def test_readers_closed_out_of_order_leave_the_policy_as_found():
    """Two generators under `bulk`, the first closed first: the policy holds until the last
    ends, then is the one found before either."""
    before = gc.get_threshold()

    def reader():
        with collector.bulk():
            yield 1
            yield 2

    first, second = reader(), reader()
    next(first)
    next(second)
    first.close()
    assert gc.get_threshold()[2] == collector.NO_FULL_PASSES
    second.close()
    assert gc.get_threshold() == before


def test_a_cycle_that_dies_young_is_still_collected_inside_bulk():
    """Young passes run as before: garbage cycles made inside do not pile up."""
    class Node:
        pass

    with collector.bulk():
        gc.collect()
        for _ in range(200_000):
            node = Node()
            node.me = node
        del node
        alive = sum(1 for obj in gc.get_objects() if type(obj) is Node)
    assert alive < 20_000


def test_readers_in_threads_leave_the_policy_as_found():
    import threading

    before = gc.get_threshold()
    start = threading.Barrier(8)

    def read():
        start.wait()
        for _ in range(2000):
            with collector.bulk():
                pass

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert gc.get_threshold() == before and collector._depth == 0
