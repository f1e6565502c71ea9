"""The fewest steps any edge cover of a state graph can replay, against the cover conform uses.

Reads the graphs bench/cover.ts writes with --graph-out. Every path starts at an initial state and ends
anywhere; every transition is on at least one path. The fewest total steps is a minimum-cost flow: each
transition carries at least one unit (one per path through it) at cost one, units enter at the initial
states and leave anywhere. Self-loops ride along on any path through their state. Solved exactly with
networkx's network simplex (minutes for MCconf; the graphs of MCci and larger take too long this way).

  npx tsx bench/cover.ts --models MCconf --graph-out /tmp/graphs
  pip install networkx==3.6.1   # if missing
  python3 bench/cover-optimum.py /tmp/graphs/MCconf.json
"""

import json
import sys
import time

import networkx as nx


def optimum(g: dict) -> tuple[int, int]:
    nodes, init = g["nodes"], set(g["initial"])
    count: dict[tuple[int, int], int] = {}
    for f, t in zip(g["from"], g["to"]):
        count[(f, t)] = count.get((f, t), 0) + 1
    source, sink = nodes, nodes + 1
    flow = nx.DiGraph()
    demand = [0] * nodes
    forced = 0
    for (f, t), m in count.items():
        forced += m
        if f == t:
            continue
        # Lower bound m (each parallel transition once): shifted into the demands, extra units cost one each.
        flow.add_edge(f, t, weight=1)
        demand[f] += m
        demand[t] -= m
    for v in range(nodes):
        flow.add_node(v, demand=demand[v])
        flow.add_edge(v, sink, weight=0)
    for s in init:
        flow.add_edge(source, s, weight=0)
    flow.add_edge(sink, source, weight=0)
    flow.add_node(source, demand=0)
    flow.add_node(sink, demand=0)
    extra, f = nx.network_simplex(flow)
    return forced + extra, f[sink][source]


def main() -> None:
    print("model     transitions   optimum steps  steps/trans  paths   bridge steps/trans  over optimum  solve s")
    for path in sys.argv[1:]:
        with open(path) as fh:
            g = json.load(fh)
        edges = len(g["from"])
        t0 = time.time()
        best, paths = optimum(g)
        bridge = g["steps"]["bridge"]
        print(
            f"{g['model']:<8} {edges:>12,} {best:>15,} {best / edges:>12.2f} {paths:>6,} "
            f"{bridge / edges:>19.2f} {100 * (bridge / best - 1):>12.1f}% {time.time() - t0:>8.0f}"
        )


if __name__ == "__main__":
    main()
