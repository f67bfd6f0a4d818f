"""The one seam to WSME: field types, body parsing and query-argument checks.

Controllers never import ``wsme``; they declare request types with the names exported here and
call :func:`parse_body` / :func:`parse_patch` / :func:`query_args`. WSME gives us Magnum's exact
validation messages ("Invalid input for field/attribute ...", "Unknown attribute for argument
..."); the few inputs that make upstream WSME answer 500 (a JSON array for an object, an
ambiguous boolean string) are answered 400 here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import wsme
import wsme.exc
import wsme.rest.json
from oslo_utils import strutils, uuidutils
from wsme import types as wtypes

from magnum_clone.common import exceptions as exc

Base = wtypes.Base
Unset = wtypes.Unset
UserType = wtypes.UserType
wsattr = wtypes.wsattr
text = wtypes.text
StringType = wtypes.StringType
IPv4AddressType = wtypes.IPv4AddressType
DictType = wtypes.DictType
ArrayType = wtypes.ArrayType
ClientSideError = wsme.exc.ClientSideError
InvalidInput = wsme.exc.InvalidInput


class Enum(wtypes.Enum):
    """WSME's Enum with the allowed values listed in sorted order (WSME keeps a set, so its
    message would change order from run to run)."""

    def validate(self, value: Any) -> Any:
        if value not in self.values:
            raise ValueError("Value should be one of: " + ", ".join(sorted(map(str,
                                                                               self.values))))
        return value


class BooleanType(wtypes.UserType):
    """JSON booleans or the strings 1/t/true/on/y/yes and 0/f/false/off/n/no (any case).

    The conversion happens in ``validate`` (when the attribute is set), so a bad value is
    reported against its own attribute; upstream crashes with 500 on such strings.
    """

    basetype = wtypes.text
    name = "boolean"

    @staticmethod
    def validate(value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return bool(value)
        try:
            return strutils.bool_from_string(value, strict=True)
        except (ValueError, TypeError, AttributeError):
            raise ValueError(f"Unrecognized value '{value}', acceptable values are: "
                             "'0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', "
                             "'y', 'yes'") from None

    def frombasetype(self, value: Any) -> Any:
        return value


class IntegerType(wtypes.UserType):
    """Integers that also accept numeric strings (magnum-ui sends every value as a string)."""

    basetype = int
    name = "integer"

    def __init__(self, minimum: int | None = None, maximum: int | None = None) -> None:
        self.minimum = minimum
        self.maximum = maximum

    def validate(self, value: Any) -> int:
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"Value should be greater or equal to {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"Value should be lower or equal to {self.maximum}")
        return value

    def frombasetype(self, value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool):
            return int(value)
        return int(value)


class UuidType(wtypes.UserType):
    basetype = wtypes.text
    name = "uuid"

    @staticmethod
    def validate(value: Any) -> str:
        if not uuidutils.is_uuid_like(value):
            raise ValueError(f"Expected a uuid but received {value}.")
        return str(value)


NAME_PATTERN = r"^[a-zA-Z][a-zA-Z0-9_.-]*$"


def NameType(max_length: int = 242) -> wtypes.StringType:  # noqa: N802 - reads like a type
    """Cluster names: 1-242 characters matching ``^[a-zA-Z][a-zA-Z0-9_.-]*$``."""
    return wtypes.StringType(min_length=1, max_length=max_length, pattern=NAME_PATTERN)


class DNSListType(wtypes.UserType):
    """One IPv4 address or a comma-separated list of them."""

    basetype = wtypes.text
    name = "dnslist"

    def validate(self, value: Any) -> str:
        from oslo_utils import netutils

        parts = str(value).split(",")
        if not all(netutils.is_valid_ipv4(p.strip()) for p in parts):
            raise exc.Invalid(f"Expected a single dns address or comma separated dns list, "
                              f"but received {value}.")
        return str(value)

    def frombasetype(self, value: Any) -> str | None:
        return None if value is None else self.validate(value)


class MultiType(wtypes.UserType):
    """A value of any one of several basic types (label values)."""

    basetype = wtypes.text
    name = "multitype"

    def __init__(self, *types: type) -> None:
        self.types = types

    def validate(self, value: Any) -> Any:
        for t in self.types:
            if isinstance(value, t):
                return value
        raise ValueError(f"Wrong type. Expected '{self.types}', got '{type(value)}'")

    def frombasetype(self, value: Any) -> Any:
        return value


boolean = BooleanType()
uuid = UuidType()
LabelsType = wtypes.DictType(wtypes.text, MultiType(wtypes.text, int, bool, float))


def string(min_length: int = 1, max_length: int = 255) -> wtypes.StringType:
    return wtypes.StringType(min_length=min_length, max_length=max_length)


# ---------------------------------------------------------------------------------------------
# request parsing

JSON_TYPES = ("application/json", "text/javascript")


def _decode(body: bytes, content_type: str | None) -> Any:
    mimetype = (content_type or "application/json").split(";")[0].strip().lower()
    if mimetype not in JSON_TYPES:
        raise wsme.exc.ClientSideError(f"Unknown mimetype: {mimetype}", status_code=415)
    try:
        return json.loads(body or b"null")
    except ValueError:
        raise wsme.exc.ClientSideError("Request is not in valid JSON format") from None


def parse_body(datatype: type, argname: str, body: bytes, content_type: str | None) -> Any:
    """Parse a JSON object body into ``datatype`` (a WSME complex type) with Magnum's errors."""
    return from_dict(datatype, argname, _decode(body, content_type))


def from_dict(datatype: type, argname: str, data: Any) -> Any:
    """Convert and validate decoded JSON (a body, or a patched document) into ``datatype``."""
    if not isinstance(data, dict):
        raise wsme.exc.InvalidInput(argname, data, "Value not a valid dict")
    try:
        obj = wsme.rest.json.fromjson(datatype, data)
    except ValueError as e:
        raise wsme.exc.InvalidInput(argname, data, e.args[0] if e.args else str(e)) from None
    except (TypeError, AttributeError) as e:
        raise wsme.exc.InvalidInput(argname, data, str(e)) from None
    except wsme.exc.UnknownAttribute as e:
        if e.fieldname is None:
            raise wsme.exc.UnknownAttribute(argname, sorted(e.attributes)) from None
        e.add_fieldname(argname)
        raise
    # WSME checks "mandatory" only for absent keys; an explicit null is missing too
    for attr in wtypes.list_attributes(datatype):
        if attr.mandatory and getattr(obj, attr.key, None) is None:
            raise wsme.exc.InvalidInput(attr.name, None, "Mandatory field missing.")
    return obj


def given(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The attributes the client actually sent (explicit nulls included)."""
    out: dict[str, Any] = {}
    for f in fields:
        v = getattr(obj, f, Unset)
        if v is not Unset:
            out[f] = v
    return out


def query_args(params: Mapping[str, str], allowed: Iterable[str]) -> dict[str, str]:
    """Refuse unknown query parameters: 400 ``Unknown argument: "<name>"``."""
    allowed = set(allowed)
    unknown = [k for k in params.keys() if k not in allowed]
    if unknown:
        raise wsme.exc.UnknownArgument(", ".join(unknown))
    return dict(params.items())


def query_bool(name: str, value: str | None) -> bool | None:
    if value is None:
        return None
    try:
        return BooleanType.validate(value)
    except ValueError as e:
        raise wsme.exc.InvalidInput(name, value, str(e)) from None


def query_int(name: str, value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError as e:
        raise wsme.exc.InvalidInput(name, value, str(e)) from None


def query_uuid(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    if not uuidutils.is_uuid_like(value):
        raise wsme.exc.InvalidInput(name, value,
                                    f"unable to convert to uuid. Error: Expected a uuid but "
                                    f"received {value}.")
    return value
