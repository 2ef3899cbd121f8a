"""Editable rule tree for the rule builder: Qt-free, stable node ids, undo/redo.

The segment engine's rule JSON (``{"all": […]}``, ``{"any": […]}``, ``{"not": node}``, conditions)
is loaded into a mutable tree of :class:`Group` and :class:`Condition` nodes. Every node keeps its
``id`` for its whole life (ids survive undo/redo), so widgets can find "their" node again after any
change. ``{"not": X}`` becomes a ``negated`` flag on X; the root is always a group.

All edits go through :class:`RuleTree` methods; each one records an undo step (the whole tree is
small, so a step is a snapshot). Listeners (the UI) are told after every change with a
:class:`Change` describing it, and re-render from the tree: the widgets never own rule state.
"""

from __future__ import annotations

import copy
import itertools
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from loyalty_desktop.errors import InvalidInput

GROUP_KINDS = ("all", "any")


@dataclass
class Condition:
    id: int
    field: str
    op: str
    value: Any = None
    window_days: int | None = None  # behaviour fields: only purchases in the last N days
    negated: bool = False

    @property
    def is_group(self) -> bool:
        return False


@dataclass
class Group:
    id: int
    kind: str = "all"  # "all" (AND) | "any" (OR)
    negated: bool = False
    children: list["Node"] = field(default_factory=list)

    @property
    def is_group(self) -> bool:
        return True


Node = Condition | Group


@dataclass(frozen=True)
class Change:
    """What changed: ``kind`` is "structure" (nodes added/moved/removed, undo/redo, load) or
    "value" (one condition's field/op/value/window, or a group's kind/negation: ``node_id``)."""

    kind: str
    node_id: int | None = None


class RuleTree:
    """The rule being edited. Every mutating method is one undoable step."""

    def __init__(self, rule: Any = None) -> None:
        self._ids = itertools.count(1)
        self.root: Group = Group(self._next_id())
        self._index: dict[int, Node] = {self.root.id: self.root}
        self._parents: dict[int, int | None] = {self.root.id: None}
        self._undo: list[tuple[Group, str, Any]] = []  # (snapshot, label, merge key)
        self._redo: list[tuple[Group, str, Any]] = []
        self._listeners: list[Callable[[Change], None]] = []
        self._clean_state: Group | None = None
        if rule is not None:
            self._replace_root(self._from_json(rule, top=True))
        self.mark_clean()

    # ----- ids and lookup
    def _next_id(self) -> int:
        return next(self._ids)

    def _reindex(self) -> None:
        self._index.clear()
        self._parents.clear()

        def walk(node: Node, parent: int | None) -> None:
            self._index[node.id] = node
            self._parents[node.id] = parent
            if isinstance(node, Group):
                for child in node.children:
                    walk(child, node.id)

        walk(self.root, None)

    def node(self, node_id: int) -> Node:
        try:
            return self._index[node_id]
        except KeyError:
            raise KeyError(f"no rule node {node_id}") from None

    def __contains__(self, node_id: int) -> bool:
        return node_id in self._index

    def parent(self, node_id: int) -> Group | None:
        pid = self._parents.get(node_id)
        return None if pid is None else self._index[pid]  # type: ignore[return-value]

    def position(self, node_id: int) -> tuple[Group, int]:
        parent = self.parent(node_id)
        if parent is None:
            raise InvalidInput("The top group cannot be moved or removed",
                               vi="Không thể di chuyển hoặc xóa nhóm ngoài cùng")
        return parent, next(i for i, c in enumerate(parent.children) if c.id == node_id)

    def depth(self, node_id: int) -> int:
        d = 0
        while (node_id := self._parents.get(node_id)) is not None:
            d += 1
        return d

    def is_ancestor(self, ancestor_id: int, node_id: int) -> bool:
        """True if ``ancestor_id`` is ``node_id`` or one of its ancestors."""
        current: int | None = node_id
        while current is not None:
            if current == ancestor_id:
                return True
            current = self._parents.get(current)
        return False

    def walk(self) -> Iterator[Node]:
        def rec(node: Node) -> Iterator[Node]:
            yield node
            if isinstance(node, Group):
                for child in node.children:
                    yield from rec(child)

        return rec(self.root)

    def conditions(self) -> list[Condition]:
        return [n for n in self.walk() if isinstance(n, Condition)]

    # ----- listeners
    def subscribe(self, fn: Callable[[Change], None]) -> None:
        self._listeners.append(fn)

    def unsubscribe(self, fn: Callable[[Change], None]) -> None:
        if fn in self._listeners:
            self._listeners.remove(fn)

    def _emit(self, change: Change) -> None:
        for fn in list(self._listeners):
            fn(change)

    # ----- undo/redo
    def _checkpoint(self, label: str, merge_key: Any = None) -> None:
        """Record the state before an edit. Consecutive edits with the same ``merge_key`` (typing in
        one value box) make one undo step."""
        if merge_key is not None and self._undo and self._undo[-1][2] == merge_key and not self._redo:
            return
        self._undo.append((copy.deepcopy(self.root), label, merge_key))
        self._redo.clear()

    def break_merge(self) -> None:
        """The next edit starts a new undo step even with the same merge key (e.g. focus left the box)."""
        if self._undo:
            snap, label, _key = self._undo[-1]
            self._undo[-1] = (snap, label, None)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_label(self) -> str:
        return self._undo[-1][1] if self._undo else ""

    @property
    def redo_label(self) -> str:
        return self._redo[-1][1] if self._redo else ""

    def undo(self) -> bool:
        if not self._undo:
            return False
        snap, label, _key = self._undo.pop()
        self._redo.append((copy.deepcopy(self.root), label, None))
        self._replace_root(snap)
        self._emit(Change("structure"))
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        snap, label, _key = self._redo.pop()
        self._undo.append((copy.deepcopy(self.root), label, None))
        self._replace_root(snap)
        self._emit(Change("structure"))
        return True

    def clear_history(self) -> None:
        self._undo.clear()
        self._redo.clear()

    def mark_clean(self) -> None:
        self._clean_state = copy.deepcopy(self.root)

    @property
    def is_dirty(self) -> bool:
        return self._clean_state is None or self.to_json() != _to_json(self._clean_state)

    def _replace_root(self, root: Group) -> None:
        self.root = root
        self._reindex()

    # ----- loading
    def load(self, rule: Any, *, undoable: bool = True, label: str = "load") -> None:
        """Replace the whole rule (a template, an imported file, a saved segment)."""
        new_root = self._from_json(rule, top=True)
        if undoable:
            self._checkpoint(label)
        else:
            self.clear_history()
        self._replace_root(new_root)
        if not undoable:
            self.mark_clean()
        self._emit(Change("structure"))

    def _from_json(self, obj: Any, top: bool = False) -> Node:
        if isinstance(obj, str):
            try:
                obj = json.loads(obj)
            except json.JSONDecodeError as exc:
                raise InvalidInput(f"The rule is not valid JSON: {exc}",
                                   vi=f"Điều kiện không phải JSON hợp lệ: {exc}") from None
        if top and isinstance(obj, dict) and ("rule" in obj or "version" in obj) and "field" not in obj:
            version = obj.get("version", 1)
            if version != 1:
                raise InvalidInput(f"Unsupported rule version: {version!r}",
                                   vi=f"Phiên bản điều kiện không được hỗ trợ: {version!r}")
            if "rule" not in obj:
                raise InvalidInput("The rule document has no \"rule\"", vi="Tài liệu điều kiện không có mục \"rule\"")
            obj = obj["rule"]
        node = self._node_from_json(obj, "rule")
        if top and not isinstance(node, Group):
            node = Group(self._next_id(), "all", False, [node])
        return node

    def _node_from_json(self, obj: Any, where: str) -> Node:
        if not isinstance(obj, dict):
            raise InvalidInput(f"{where}: expected an object, got {obj!r}",
                               vi=f"{where}: cần một đối tượng, nhận được {obj!r}")
        keys = set(obj)
        for kind in GROUP_KINDS:
            if kind in obj:
                if keys != {kind}:
                    raise InvalidInput(f"{where}: a group has only the key {kind!r}, got {sorted(keys)}",
                                       vi=f"{where}: một nhóm chỉ có khóa {kind!r}, nhận được {sorted(keys)}")
                items = obj[kind]
                if not isinstance(items, list):
                    raise InvalidInput(f"{where}.{kind}: expected a list", vi=f"{where}.{kind}: cần một danh sách")
                children = [self._node_from_json(c, f"{where}.{kind}[{i}]") for i, c in enumerate(items)]
                return Group(self._next_id(), kind, False, children)
        if "not" in obj:
            if keys != {"not"}:
                raise InvalidInput(f"{where}: 'not' takes exactly one node",
                                   vi=f"{where}: 'not' nhận đúng một điều kiện hoặc nhóm")
            inner = self._node_from_json(obj["not"], f"{where}.not")
            inner.negated = not inner.negated
            return inner
        if "field" in obj:
            extra = keys - {"field", "op", "value", "window"}
            if extra:
                raise InvalidInput(f"{where}: unknown keys {sorted(extra)}", vi=f"{where}: khóa không hợp lệ {sorted(extra)}")
            if not isinstance(obj["field"], str) or not isinstance(obj.get("op"), str):
                raise InvalidInput(f"{where}: a condition needs a text 'field' and 'op'",
                                   vi=f"{where}: điều kiện cần 'field' và 'op' dạng chữ")
            window = obj.get("window")
            days = None
            if window is not None:
                if not isinstance(window, dict) or not isinstance(window.get("days"), int):
                    raise InvalidInput(f"{where}: window must be {{\"days\": N}}",
                                       vi=f"{where}: khoảng thời gian phải có dạng {{\"days\": N}}")
                days = window["days"]
            return Condition(self._next_id(), obj["field"], obj["op"], copy.deepcopy(obj.get("value")), days)
        raise InvalidInput(f"{where}: expected a group (all/any/not) or a condition (field/op/value)",
                           vi=f"{where}: cần một nhóm (all/any/not) hoặc một điều kiện (field/op/value)")

    # ----- export
    def to_json(self, *, skip: set[int] | None = None) -> dict:
        """The engine's node for the whole rule (the root group). ``skip``: node ids left out
        (e.g. conditions whose value is still invalid)."""
        return _to_json(self.root, skip)

    def node_json(self, node_id: int, *, skip: set[int] | None = None) -> dict:
        return _to_json(self.node(node_id), skip)

    def document(self) -> dict:
        """``{"version": 1, "rule": …}`` as saved in files and the database."""
        return {"version": 1, "rule": self.to_json()}

    # ----- edits
    def _resolve_group(self, group_id: int | None) -> Group:
        node = self.root if group_id is None else self.node(group_id)
        if not isinstance(node, Group):
            raise InvalidInput("Conditions can only be added to a group", vi="Chỉ có thể thêm điều kiện vào một nhóm")
        return node

    @staticmethod
    def _clamp(index: int | None, size: int) -> int:
        return size if index is None or index < 0 or index > size else index

    def add_condition(self, group_id: int | None, field_id: str, op: str, value: Any = None,
                      index: int | None = None, window_days: int | None = None) -> int:
        group = self._resolve_group(group_id)
        self._checkpoint("add condition")
        cond = Condition(self._next_id(), field_id, op, copy.deepcopy(value), window_days)
        group.children.insert(self._clamp(index, len(group.children)), cond)
        self._reindex()
        self._emit(Change("structure", cond.id))
        return cond.id

    def add_group(self, group_id: int | None, kind: str = "all", index: int | None = None) -> int:
        if kind not in GROUP_KINDS:
            raise InvalidInput(f"Unknown group kind {kind!r}", vi=f"Loại nhóm không hợp lệ: {kind!r}")
        group = self._resolve_group(group_id)
        self._checkpoint("add group")
        new = Group(self._next_id(), kind)
        group.children.insert(self._clamp(index, len(group.children)), new)
        self._reindex()
        self._emit(Change("structure", new.id))
        return new.id

    def remove(self, node_id: int) -> None:
        parent, index = self.position(node_id)
        self._checkpoint("delete")
        del parent.children[index]
        self._reindex()
        self._emit(Change("structure", parent.id))

    def can_move(self, node_id: int, group_id: int) -> bool:
        return node_id != self.root.id and isinstance(self._index.get(group_id), Group) and not self.is_ancestor(
            node_id, group_id)

    def move(self, node_id: int, group_id: int | None, index: int | None = None) -> None:
        """Move a node into ``group_id`` before position ``index`` (None = at the end). Index is
        counted in the target group as it is *before* the move, which is what a drop indicator shows."""
        group = self._resolve_group(group_id)
        if not self.can_move(node_id, group.id):
            raise InvalidInput("A group cannot be moved into itself", vi="Không thể chuyển một nhóm vào chính nó")
        parent, old_index = self.position(node_id)
        index = self._clamp(index, len(group.children))
        if parent is group and index in (old_index, old_index + 1):
            return  # dropped where it already is
        self._checkpoint("move")
        node = parent.children.pop(old_index)
        if parent is group and index > old_index:
            index -= 1
        group.children.insert(index, node)
        self._reindex()
        self._emit(Change("structure", node_id))

    def group_with(self, target_id: int, node_id: int | None = None, *, field_id: str | None = None,
                   op: str | None = None, value: Any = None, kind: str = "all") -> int:
        """Drop onto a condition: replace ``target_id`` by a new sub-group holding the target and
        either the existing node ``node_id`` (moved) or a new condition (``field_id``/``op``).
        Returns the new group's id."""
        target = self.node(target_id)
        if target is self.root:
            raise InvalidInput("Cannot group the top group", vi="Không thể gộp nhóm ngoài cùng vào một nhóm mới")
        if node_id is not None:
            if node_id == target_id or node_id == self.root.id or self.is_ancestor(node_id, target_id):
                raise InvalidInput("A node cannot be grouped with itself", vi="Không thể gộp một mục với chính nó")
        elif field_id is None or op is None:
            raise InvalidInput("group_with needs a node or a field", vi="group_with cần một mục hoặc một trường")
        self._checkpoint("make group")
        if node_id is not None:
            mparent, mindex = self.position(node_id)
            moving: Node = mparent.children.pop(mindex)
            self._reindex()
        else:
            moving = Condition(self._next_id(), field_id, op, copy.deepcopy(value))  # type: ignore[arg-type]
        parent, index = self.position(target_id)
        group = Group(self._next_id(), kind, False, [target, moving])
        parent.children[index] = group
        self._reindex()
        self._emit(Change("structure", group.id))
        return group.id

    # keyboard alternatives to dragging: one step up/down, out of a group, into the group above
    def shift(self, node_id: int, delta: int) -> bool:
        """Move one place up (-1) or down (+1) in its group; past the first/last place it leaves the
        group (lands just before/after it). Returns False when it cannot move."""
        parent, index = self.position(node_id)
        target = index + delta
        if 0 <= target < len(parent.children):
            self.move(node_id, parent.id, target if delta < 0 else target + 1)
            return True
        grand = self.parent(parent.id)
        if grand is None:
            return False
        _g, pindex = self.position(parent.id)
        self.move(node_id, grand.id, pindex if delta < 0 else pindex + 1)
        return True

    def outdent(self, node_id: int) -> bool:
        """Take a node out of its group, right after that group."""
        parent, _index = self.position(node_id)
        grand = self.parent(parent.id)
        if grand is None:
            return False
        _g, pindex = self.position(parent.id)
        self.move(node_id, grand.id, pindex + 1)
        return True

    def indent(self, node_id: int) -> bool:
        """Put a node at the end of the group just above it (if the node above is a group)."""
        parent, index = self.position(node_id)
        if index == 0 or not isinstance(parent.children[index - 1], Group):
            return False
        self.move(node_id, parent.children[index - 1].id)
        return True

    def wrap_in_group(self, node_id: int, kind: str = "all") -> int:
        """Put one node alone into a new group at its place (keyboard "make sub-group")."""
        parent, index = self.position(node_id)
        self._checkpoint("make group")
        group = Group(self._next_id(), kind, False, [parent.children[index]])
        parent.children[index] = group
        self._reindex()
        self._emit(Change("structure", group.id))
        return group.id

    def set_group_kind(self, group_id: int, kind: str) -> None:
        group = self._resolve_group(group_id)
        if kind not in GROUP_KINDS:
            raise InvalidInput(f"Unknown group kind {kind!r}", vi=f"Loại nhóm không hợp lệ: {kind!r}")
        if group.kind == kind:
            return
        self._checkpoint("AND/OR")
        group.kind = kind
        self._emit(Change("value", group.id))

    def set_negated(self, node_id: int, negated: bool) -> None:
        node = self.node(node_id)
        if node.negated == bool(negated):
            return
        self._checkpoint("negate")
        node.negated = bool(negated)
        self._emit(Change("value", node_id))

    def update_condition(self, node_id: int, *, merge: bool = False, **changes: Any) -> None:
        """Change ``field``, ``op``, ``value`` and/or ``window_days`` of a condition. With ``merge``,
        successive updates of the same condition's value make one undo step (typing)."""
        cond = self.node(node_id)
        if not isinstance(cond, Condition):
            raise InvalidInput("Only conditions have a field, an operator and a value",
                               vi="Chỉ điều kiện mới có trường, phép so sánh và giá trị")
        unknown = set(changes) - {"field", "op", "value", "window_days"}
        if unknown:
            raise TypeError(f"unknown condition attributes {sorted(unknown)}")
        if all(getattr(cond, k) == v for k, v in changes.items()):
            return
        self._checkpoint("edit condition", ("value", node_id) if merge else None)
        for key, value in changes.items():
            setattr(cond, key, copy.deepcopy(value))
        self._emit(Change("value", node_id))


def _to_json(node: Node, skip: set[int] | None = None) -> dict:
    if isinstance(node, Group):
        out: dict = {node.kind: [_to_json(c, skip) for c in node.children if not skip or c.id not in skip]}
    else:
        out = {"field": node.field, "op": node.op}
        if node.value is not None:
            out["value"] = copy.deepcopy(node.value)
        if node.window_days is not None:
            out["window"] = {"days": node.window_days}
    return {"not": out} if node.negated else out


# ----- defaults for new conditions (duck-typed FieldSpec from segments.catalog)

NUMERIC_EDITORS = ("number", "money", "int")
DAY_OPS = ("within_last", "more_than_ago", "within_next")
LIST_OPS = ("in", "not_in", "bought", "not_bought", "has_any", "has_all", "has_none")
NO_VALUE_OPS = ("is_empty", "never", "this_month")


def default_op(spec: Any) -> str:
    ops = list(getattr(spec, "ops", []) or [])
    if not ops:
        return "eq"
    for preferred in ("gte", "bought", "has", "eq", "in", "has_any", "within_last", "contains"):
        if preferred in ops:
            return preferred
    return ops[0]


def default_value(spec: Any, op: str, previous: Any = None) -> Any:
    """A sensible starting value when a field is added or its operator changes. Keeps the previous
    value when it still fits the new operator (e.g. gte → lte keeps the number)."""
    editor = getattr(spec, "editor", "text")
    if op in NO_VALUE_OPS:
        return None
    if op in DAY_OPS:
        if isinstance(previous, dict) and isinstance(previous.get("days"), int):
            return previous
        return {"days": 30}
    if op == "between":
        if isinstance(previous, list) and len(previous) == 2:
            return previous
        if editor == "date":
            return [None, None]
        single = previous if isinstance(previous, (int, float)) and not isinstance(previous, bool) else None
        return [single, None]
    is_list_op = op in LIST_OPS or (editor == "multi" and op not in ("has", "eq", "ne"))
    if is_list_op:
        if isinstance(previous, list):
            return previous
        return [] if previous in (None, "") else [previous]
    if isinstance(previous, list):
        previous = previous[0] if previous else None
    if editor == "bool":
        return previous if isinstance(previous, bool) else True
    if editor in NUMERIC_EDITORS:
        return previous if isinstance(previous, (int, float)) and not isinstance(previous, bool) else None
    if editor == "enum" and previous is None:
        choices = getattr(spec, "choices", None)
        if isinstance(choices, (list, tuple)) and choices:
            first = choices[0]
            return first[0] if isinstance(first, (list, tuple)) else first
    return previous
