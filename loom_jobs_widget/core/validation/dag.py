"""The dependency graph's algorithms: an order, the ancestors of each task, its cycles.

A graph is a list: node -> its upstream nodes (None for none), in depends_on order.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from typing import TypeAlias

__all__ = ["ancestor_sets", "find_cycles"]

_Graph: TypeAlias = "Sequence[Sequence[int] | None]"  # node -> its upstream nodes, if any


def _topological_order(parents: _Graph) -> list[int]:
    """Kahn's order of the nodes that are in no cycle and downstream of none."""
    children: dict[int, list[int]] = {}
    waiting = [len(upstream) if upstream else 0 for upstream in parents]
    for node, upstream in enumerate(parents):
        for parent in upstream or ():
            children.setdefault(parent, []).append(node)
    ready = deque(node for node, count in enumerate(waiting) if count == 0)
    order: list[int] = []
    while ready:
        node = ready.popleft()
        order.append(node)
        for child in children.get(node, ()):
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
    return order


def _in_document_order(parents: _Graph) -> bool:
    """Whether every task comes after the tasks it depends on: then there is no cycle. Most jobs
    list their tasks so, and this pass costs a fraction of Kahn's."""
    return all(not upstream or max(upstream) < node for node, upstream in enumerate(parents))


def ancestor_sets(parents: _Graph) -> list[int | None]:
    """For each node, the set of nodes upstream of it as a bit set (an int: fast to merge for
    a thousand tasks); None for a node in or behind a cycle."""
    found: list[int | None] = [None] * len(parents)
    for node in _topological_order(parents):
        bits = 0
        for parent in parents[node] or ():
            # Kahn's order puts every parent first, so `found[parent]` is set.
            bits |= (found[parent] or 0) | (1 << parent)
        found[node] = bits
    return found


def find_cycles(parents: _Graph) -> list[list[int]]:
    """One cycle per strongly connected component of the graph, in document order: the nodes
    from the first of the component, each upstream of the next, the last upstream of the first.

    A component can hold many cycles; naming one of them is enough to break it up, and listing
    them all could take exponential time."""
    if _in_document_order(parents):
        return []
    ordered = _topological_order(parents)
    if len(ordered) == len(parents):
        return []
    settled = set(ordered)
    children: dict[int, list[int]] = {}
    for node, upstream in enumerate(parents):
        if node in settled:
            continue
        for parent in upstream or ():
            if parent not in settled:
                children.setdefault(parent, []).append(node)
    cycles = []
    for component in _strongly_connected(sorted(children), children):
        if len(component) > 1:
            cycles.append(_cycle_through(min(component), set(component), children))
    return sorted(cycles, key=lambda cycle: cycle[0])


def _strongly_connected(nodes: Sequence[int], children: Mapping[int, list[int]]) -> list[list[int]]:
    """Tarjan's algorithm without recursion (a chain of a thousand tasks is a deep search)."""
    number: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    components: list[list[int]] = []
    for root in nodes:
        if root in number:
            continue
        number[root] = low[root] = len(number)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(children.get(root, ())))]
        while work:
            node, pending = work[-1]
            child = next(pending, None)
            if child is not None:
                if child not in number:
                    number[child] = low[child] = len(number)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(children.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], number[child])
                continue
            work.pop()
            if work:
                caller = work[-1][0]
                low[caller] = min(low[caller], low[node])
            if low[node] == number[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components


def _cycle_through(start: int, component: set[int], children: Mapping[int, list[int]]) -> list[int]:
    """The shortest cycle from `start` back to it inside its component (breadth first)."""
    came_from: dict[int, int] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in children.get(node, ()):
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return path[::-1]
            if child in component and child not in came_from:
                came_from[child] = node
                queue.append(child)
    return [start]  # unreachable for a component of two or more nodes
