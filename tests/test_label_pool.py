"""The labelling worker process answers exactly as the labeller in this process does."""

from __future__ import annotations

import random

from staffing.scheduling import label_pool as LP
from staffing.scheduling import labelling as LB
from tests.test_labelling import _instance, _model, _random_costs


def test_worker_answers_like_the_local_labeller_and_ends_on_close():
    m = _model(_instance(7), published=True)
    labellers = {a: LB.Labeller(LB.rules_for(m, a)) for a in range(len(m.agents))}
    pool = LP.start_pool(labellers)
    assert pool is not None
    owned = sorted(a for a in labellers if pool.owns(a))
    assert owned == [a for a in labellers if a % 2 == 1]
    rng = random.Random(3)
    for _round in range(2):  # the worker keeps its labellers (and their warm starts) between batches
        pool.submit([])  # a batch with nothing for the worker (a dive's free agents all local) ...
        assert pool.collect() == {}  # ... leaves no stale answer for the next batch
        jobs = [(a, _random_costs(m, a, rng), 30.0) for a in owned]
        pool.submit(jobs)
        got = pool.collect()
        assert sorted(got) == owned
        for a, costs, _s in jobs:
            bound, plans, complete = got[a]
            local = LB.Labeller(LB.rules_for(m, a)).cheapest_within(costs, 30.0)
            assert complete and local[2]
            assert bound == local[0]  # the same least cost ...
            assert plans[-1][0] == bound  # ... met by the schedule returned last
            assert LB.is_valid(LB.rules_for(m, a), plans[-1][1])
    proc = pool._proc
    pool.close()
    assert not proc.is_alive()


def test_no_pool_for_fewer_than_two_remote_agents():
    m = _model(_instance(7), published=True)
    assert LP.start_pool({0: LB.Labeller(LB.rules_for(m, 0)), 1: LB.Labeller(LB.rules_for(m, 1))}) is None


def test_worker_ends_when_the_calling_process_goes_away():
    # the caller exiting without close() (killed, os._exit) closes its end of the pipe: the worker
    # must see that and end, not wait for a batch forever
    m = _model(_instance(7), published=True)
    pool = LP.start_pool({a: LB.Labeller(LB.rules_for(m, a)) for a in range(len(m.agents))})
    assert pool is not None
    proc = pool._proc
    pool._conn.close()
    proc.join(timeout=5)
    assert not proc.is_alive()
