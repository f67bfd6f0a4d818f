"""JSON-patch requests (RFC 6902 subset: add, replace, remove) with Magnum's rules.

The engine is the `jsonpatch` library; this module adds what Magnum's API layers on top:
values limited to strings and integers, dict attributes replaced by a Python-literal string
(python-magnumclient sends ``str(dict)``), internal and non-removable attributes, and ``add``
only onto null attributes at the root.
"""

from __future__ import annotations

import ast
import copy
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

import jsonpatch
import wsme.exc

from magnum_clone.api.types import base
from magnum_clone.common import exceptions as exc

INTERNAL = frozenset({"/created_at", "/id", "/links", "/updated_at", "/uuid", "/project_id",
                      "/user_id"})
_PATH = re.compile(r"^(/[\w-]+)+$")
_OPS = ("add", "remove", "replace")


def parse_patch(body: bytes, content_type: str | None, *, internal: Iterable[str] = (),
                mandatory: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Decode and check a JSON-patch body, before the target is looked up (so a bad body on
    a missing resource is 400, not 404): first the types of every operation (as WSME would:
    unknown keys, then op, path, value), then each operation's own rules (internal and
    non-removable attributes, a value for add/replace)."""
    data = base._decode(body, content_type)
    if not isinstance(data, list):
        raise wsme.exc.InvalidInput("patch", data, f"Value not a valid list: {data}")
    for item in data:
        _check_types(item, data)
    internal_set = INTERNAL | set(internal)
    mandatory_set = set(mandatory)
    for item in data:
        path, op = item["path"], item["op"]
        if path in internal_set:
            raise exc.Invalid(f"'{path}' is an internal attribute and can not be updated")
        if op == "remove" and path in mandatory_set:
            raise exc.Invalid(f"'{path}' is a mandatory attribute and can not be removed")
        if op != "remove" and "value" not in item:
            raise exc.Invalid("'add' and 'replace' operations needs value")
    return [{k: item[k] for k in ("path", "op", "value") if k in item} for item in data]


def _check_types(item: Any, data: Any) -> None:
    if not isinstance(item, dict):
        raise wsme.exc.InvalidInput("patch", data, f"Value not a valid dict: {item}")
    unknown = set(item) - {"op", "path", "value"}
    if unknown:
        raise wsme.exc.UnknownAttribute("patch", sorted(unknown))
    op = item.get("op")
    if op is None:
        raise wsme.exc.InvalidInput("op", None, "Mandatory field missing.")
    if op not in _OPS:
        raise wsme.exc.InvalidInput("op", op, "Value should be one of: " + ", ".join(_OPS))
    path = item.get("path")
    if path is None:
        raise wsme.exc.InvalidInput("path", None, "Mandatory field missing.")
    if not isinstance(path, str):
        raise wsme.exc.InvalidInput("path", path, "Value should be string")
    if not _PATH.match(path):
        raise wsme.exc.InvalidInput("path", path,
                                    f"Value should match the pattern {_PATH.pattern}")
    v = item.get("value")
    if v is not None and not isinstance(v, (str, int)):
        raise wsme.exc.InvalidInput("value", v,
                                    f"Wrong type. Expected '{(str, int)}', got '{type(v)}'")


def patch_error(ops: list[dict[str, Any]], reason: Any) -> exc.PatchError:
    """``Couldn't apply patch '<ops>'. Reason: <reason>``, the ops shown as upstream does
    (a Python list of ``{'path', 'op'[, 'value']}`` dicts)."""
    return exc.PatchError(patch=str(ops), reason=str(reason))


def apply_patch(doc: Mapping[str, Any], ops: list[dict[str, Any]], *,
                internal: Iterable[str] = (), mandatory: Iterable[str] = (),
                dict_attrs: Iterable[str] = ()) -> dict[str, Any]:
    """Apply checked ``ops`` to a copy of ``doc``; returns the patched document.

    ``remove`` of a root attribute sets it to null; dict attributes (``dict_attrs``) given
    whole take a Python-literal string; nested paths (``/labels/k``) edit one key.
    """
    internal_set = INTERNAL | set(internal)
    mandatory_set = set(mandatory)
    dict_set = set(dict_attrs)
    result = copy.deepcopy(dict(doc))
    original = ops
    ops = copy.deepcopy(ops)
    for op in ops:
        path = op["path"]
        root = "/" + path.split("/")[1]
        if path in internal_set or root in internal_set:
            raise exc.Invalid(f"'{path}' is an internal attribute and can not be updated")
        if op["op"] == "remove" and path in mandatory_set:
            raise exc.Invalid(f"'{path}' is a mandatory attribute and can not be removed")
        if root in dict_set and path == root and op["op"] in ("add", "replace"):
            op["value"] = _literal(original, op["value"])
        if path == root:
            name = root[1:]
            if op["op"] == "add":
                if name not in result:
                    raise exc.Invalid(f"Adding a new attribute {path} to the root of the "
                                      "resource is not allowed.")
                if result[name] is not None:
                    raise exc.Invalid(f"The attribute {path} has existed, please use "
                                      "'replace' operation instead.")
                op["op"] = "replace"
            elif op["op"] == "remove":
                if name not in result:
                    raise patch_error(original, f"can't remove a non-existent object '{name}'")
                op["op"] = "replace"
                op["value"] = None
        elif root in dict_set and result.get(root[1:]) is None:
            result[root[1:]] = {}
    try:
        return jsonpatch.apply_patch(result, ops)  # type: ignore[no-any-return]
    except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException, TypeError,
            KeyError, IndexError) as e:
        raise patch_error(original, e) from None


def _literal(ops: list[dict[str, Any]], value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return ast.literal_eval(value)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as e:
        try:  # JSON text ("true", "null") is accepted too
            return json.loads(value)
        except ValueError:
            raise patch_error(ops, e) from None


def integer(name: str, value: Any, *, minimum: int) -> int:
    """A patched integer attribute: a JSON number or a numeric string (as on create)."""
    try:
        number = int(value)
    except (TypeError, ValueError) as e:
        raise wsme.exc.InvalidInput(name, value, str(e)) from None
    if number < minimum:
        raise wsme.exc.InvalidInput(name, value, f"Value should be greater or equal to {minimum}")
    return number


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> set[str]:
    return {k for k in after if before.get(k) != after.get(k)}


__all__ = ["parse_patch", "apply_patch", "integer", "changed_fields", "patch_error"]
