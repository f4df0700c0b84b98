"""The view's compact graph: the elements it was sent, their revision, and the chunks and patches
that keep it up to date.

The view holds a graph of keys, types, problem counts and positions. The whole graph goes in
chunks far below the message limit; after that only patches of what changed, each taking the
revision one further (a view behind asks for the whole graph again). The layout is cached by
structure, so a change that moves no task or edge is not laid out again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from loom_jobs_widget.core.models import JobSettings, Task
from loom_jobs_widget.core.validation import Problem
from loom_jobs_widget.graph import Elements, job_elements
from loom_jobs_widget.graph.elements import EDITOR_ICON_ROOM, diff_elements, task_node

if TYPE_CHECKING:
    from loom_jobs_widget.editor.protocol import FromPython, GraphEdge, GraphNode, PatchMessage

__all__ = ["GRAPH_CHUNK", "MAX_MESSAGE_BYTES", "GraphSync"]

MAX_MESSAGE_BYTES = 4_000_000
"""Below the 5 MB a Databricks notebook lets one widget message carry."""
GRAPH_CHUNK = 4000
"""Nodes (and edges) per `graph` message: about 1 MB of JSON."""


class GraphSync:
    """The graph the view was sent, for settings validated into ``problems``; ``send`` delivers a
    message to the view(s)."""

    def __init__(
        self,
        settings: JobSettings,
        problems: Sequence[Problem],
        send: Callable[[FromPython], None],
    ) -> None:
        self._send = send
        self.rev = 0
        """The revision of the graph the view was sent."""
        self.states: dict[str, str] = {}
        """The state of each task in the run shown on the canvas."""
        self.elements: Elements = job_elements(
            settings, problems=problems, icon_room=EDITOR_ICON_ROOM
        )
        self._node_index = _index_nodes(self.elements)

    def send_graph(self) -> None:
        """The whole graph, in chunks that stay far below the message limit."""
        nodes = _graph_nodes(self.elements["nodes"])
        edges = _graph_edges(self.elements["edges"])
        parts = max(1, -(-max(len(nodes), len(edges)) // GRAPH_CHUNK))
        for part in range(parts):
            window = slice(part * GRAPH_CHUNK, (part + 1) * GRAPH_CHUNK)
            more = part < parts - 1
            if part == 0:
                self._send({"kind": "graph", "rev": self.rev, "nodes": nodes[window],
                            "edges": edges[window], "more": more})  # fmt: skip
            else:
                self._send({"kind": "graph_more", "rev": self.rev, "nodes": nodes[window],
                            "edges": edges[window], "more": more})  # fmt: skip

    def redraw(self, settings: JobSettings, problems: Sequence[Problem]) -> None:
        """Lay the settings out again (keeping the nodes that stay where they were) and patch
        the view with what changed."""
        old_positions = {
            node["data"]["id"]: (node["position"]["x"], node["position"]["y"])
            for node in self.elements["nodes"]
        }
        elements = job_elements(
            settings,
            problems=problems,
            states=self.states,
            previous=old_positions,
            icon_room=EDITOR_ICON_ROOM,
        )
        self._patch(diff_elements(self.elements, elements))
        self.elements = elements
        self._node_index = _index_nodes(elements)

    def has_node(self, key: str) -> bool:
        return key in self._node_index

    def redraw_task(self, task: Task, key: str, problems: Sequence[Problem]) -> None:
        """Redraw the node of task ``key`` (a node of the graph) after an edit inside it, with
        its ``problems``, and the edges into it if its run_if changed."""
        index = self._node_index[key]
        errors = sum(1 for p in problems if p.severity == "error")
        nodes = self.elements["nodes"]
        before = nodes[index]
        node = task_node(
            task,
            key,
            task_type=before["data"]["task_type"],
            width=before["data"]["width"],
            position=(before["position"]["x"], before["position"]["y"]),
            counts=(errors, len(problems) - errors),
            state=self.states.get(key),
        )
        patch: dict[str, Any] = {}
        if node["data"] != before["data"]:
            nodes[index] = node
            patch["nodes"] = [node]
        run_if = task.run_if if isinstance(task.run_if, str) and task.run_if else "ALL_SUCCESS"
        changed_edges = []
        for position, edge in enumerate(self.elements["edges"]):
            data = edge["data"]
            if data["target"] == key and data["run_if"] != run_if:
                changed = {"data": {**data, "run_if": run_if}}
                self.elements["edges"][position] = changed
                changed_edges.append(changed)
        if changed_edges:
            patch["remove_edges"] = [edge["data"]["id"] for edge in changed_edges]
            patch["edges"] = changed_edges
        self._patch(patch)

    def set_states(self, states: Mapping[str, str] | None) -> None:
        """Colour the nodes by the state of their task in a run; None clears it. Only the nodes
        whose state changed are sent."""
        self.states = dict(states or {})
        nodes = self.elements["nodes"]
        changed = []
        for index, node in enumerate(nodes):
            data = node["data"]
            state = self.states.get(data["id"])
            if data.get("state") != state:
                data = {k: v for k, v in data.items() if k != "state"}
                if state is not None:
                    data["state"] = state
                nodes[index] = {**node, "data": data}
                changed.append(nodes[index])
        if changed:
            self._patch({"nodes": changed})

    def _patch(self, parts: Mapping[str, Any]) -> None:
        """One patch of `diff_elements`' parts (nodes, remove_nodes, positions, remove_edges,
        edges), unless there are none."""
        if not parts:
            return
        base = self.rev
        self.rev += 1
        patch: PatchMessage = {"kind": "patch", "rev": self.rev, "base": base}
        # The parts keep `diff_elements`' order; their values are the protocol's shapes.
        for name, value in parts.items():
            if name == "nodes":
                patch["nodes"] = value
            elif name == "remove_nodes":
                patch["remove_nodes"] = value
            elif name == "positions":
                patch["positions"] = value
            elif name == "remove_edges":
                patch["remove_edges"] = value
            elif name == "edges":
                patch["edges"] = value
        self._send(patch)


# `graph.elements` builds the elements as plain dicts: these are the protocol's shapes.
def _graph_nodes(nodes: list[dict[str, Any]]) -> list[GraphNode]:
    return cast("list[GraphNode]", nodes)


def _graph_edges(edges: list[dict[str, Any]]) -> list[GraphEdge]:
    return cast("list[GraphEdge]", edges)


def _index_nodes(elements: Elements) -> dict[str, int]:
    return {node["data"]["id"]: index for index, node in enumerate(elements["nodes"])}
