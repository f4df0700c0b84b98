"""`Loose[T]`: a typed field that keeps what it cannot type.

A field of a Jobs API object is declared with the type the API documents, but a document may hold
anything there (an unknown enum value, a `${var.x}` bundle reference in an int field, a float in
an int field, ...), and `jobs/reset` replaces the whole settings: the value must survive as it
came. So a `Loose[T]` field is tried strictly as T and kept raw otherwise.
"""

from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, ForwardRef, TypeVar, Union, get_args

from pydantic import BaseModel, Field, GetCoreSchemaHandler
from pydantic_core import core_schema

__all__ = ["Loose", "holds_model"]

_T = TypeVar("_T")

if TYPE_CHECKING:
    # Tried strictly as T (no coercion: "5" stays a string, 1 stays an int), else kept as it came.
    Loose = Annotated[Union[_T, Any], Field(union_mode="left_to_right")]  # noqa: UP007
else:

    class Loose:
        """`Loose[T]` at run time. Where T holds no model (a str, an int, a list[str], ...),
        the strict try changes nothing that keeping the value would not keep, so pydantic is
        told to keep it as it came: far fewer schemas to build at import, and less work per
        value on load. The annotation still names T (`local.http.wire` reads it)."""

        def __class_getitem__(cls, item: Any) -> Any:
            return _loose(item)


@cache
def _loose(item: Any) -> Any:
    if holds_model(item):
        return Annotated[Union[item, Any], Field(union_mode="left_to_right")]  # noqa: UP007
    return Annotated[Union[item, Any], _KEPT]  # noqa: UP007


def holds_model(annotation: Any) -> bool:
    """Whether a model (or a name not yet defined, which is one) occurs in `annotation`."""
    if isinstance(annotation, (str, ForwardRef)):
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(holds_model(arg) for arg in get_args(annotation))


class _Kept:
    """Pydantic metadata: the value is kept as it came, unchecked."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return core_schema.any_schema()


_KEPT = _Kept()
