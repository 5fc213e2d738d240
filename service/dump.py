"""Answers dumped by their marshmallow schemas, faster: each schema's fields are read once.

``Schema.dump`` looks every field of every object up through several layers of generic calls;
a comparison of two long contracts holds thousands of segments, and dumping them took longer
than comparing them. :func:`dumper` reads a schema's declared fields once and writes one plain
function doing what ``Schema.dump`` does, a statement a field, inline for the fields the
response schemas use (strings, numbers, booleans, nested schemas, lists); any other field is
serialised by its own ``_serialize``, and a schema with dump hooks by ``Schema.dump`` itself.
The schemas stay the one description of the answer, and of the OpenAPI document
(``make spec``); ``tests/test_dump.py`` checks that both dumps are equal.

    dump = dumper(CompareResponse)
    body = dump(comparison)
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from marshmallow import Schema, fields
from marshmallow.utils import ensure_text_type, get_value, missing

__all__ = ["dumper"]


@functools.cache
def dumper(schema: type[Schema]) -> Callable[[Any], dict[str, Any]]:
    """A function equal to ``schema().dump`` for one object."""
    return _compile(schema())


def _compile(schema: Schema) -> Callable[[Any], dict[str, Any]]:
    """The dump of ``schema`` as the source of one function, one statement a field."""
    if schema.many or _has_hooks(schema):
        return schema.dump
    names: dict[str, Any] = {"missing": missing, "get_value": get_value, "ensure_text_type": ensure_text_type}
    lines = ["def dump(obj):", "    out = {}", "    by_key = hasattr(obj, '__getitem__')"]
    for index, (name, field) in enumerate(schema.dump_fields.items()):
        key = field.data_key if field.data_key is not None else name
        attribute = field.attribute if field.attribute is not None else name
        names[f"default_{index}"] = field.dump_default
        lines += [f"    value = (get_value(obj, {attribute!r}, missing) if by_key"
                  f" else getattr(obj, {attribute!r}, missing))",
                  "    if value is missing:",
                  f"        value = default_{index}() if callable(default_{index}) else default_{index}",
                  "    if value is not missing:",
                  f"        out[{key!r}] = {_expression(field, 'value', attribute, index, names)}"]
    lines.append("    return out")
    exec("\n".join(lines), names)  # the source is made above from the schema's own fields
    return names["dump"]


def _expression(field: fields.Field, value: str, attribute: str, index: int, names: dict[str, Any]) -> str:
    """An expression serialising ``value`` as ``field._serialize`` would."""
    kind = type(field)
    if kind is fields.String:
        return f"({value} if {value} is None or type({value}) is str else ensure_text_type({value}))"
    if kind in (fields.Integer, fields.Float) and not field.as_string:
        number = "int" if kind is fields.Integer else "float"
        return f"(None if {value} is None else {number}({value}))"
    if kind is fields.Boolean:
        return value
    if kind is fields.Nested and not field.many and isinstance(field.nested, type) \
            and issubclass(field.nested, Schema) and not (field.only or field.exclude):
        names[f"nested_{index}"] = dumper(field.nested)
        return f"(None if {value} is None else nested_{index}({value}))"
    if kind is fields.List:
        inner = _expression(field.inner, "each", attribute, index, names)
        return f"(None if {value} is None else [{inner} for each in {value}])"
    names[f"field_{index}"] = field
    if isinstance(field, fields.Enum) and field.by_value:
        # A member of the field's own enum is written as its value (the inner field of a string or
        # number enum keeps it as it is); anything else as the field says.
        names[f"enum_{index}"] = field.enum
        return (f"({value}.value if type({value}) is enum_{index} "
                f"else field_{index}._serialize({value}, {attribute!r}, obj))")
    return f"field_{index}._serialize({value}, {attribute!r}, obj)"


def _has_hooks(schema: Schema) -> bool:
    hooks = getattr(schema, "_hooks", {})
    return any(hooks.get(name) for name in ("pre_dump", "post_dump"))
