"""Base model shared by every wire type.

Rule one of the protocol: enums are open strings, unknown fields are kept
(``extra="allow"``) and unknown item or event types pass through as generic objects.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

__all__ = ["WireModel"]


class WireModel(BaseModel):
    """A pydantic model that keeps every field the service sent, known or not."""

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        protected_namespaces=(),
        arbitrary_types_allowed=False,
    )

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready dict of this object, extra fields included, unset fields left out."""
        return self.model_dump(mode="json", exclude_unset=True, by_alias=True)

    def get(self, key: str, default: Any = None) -> Any:
        """Dict-style access that also reaches extra fields."""
        if key in type(self).model_fields:
            return getattr(self, key)
        extra = self.__pydantic_extra__ or {}
        return extra.get(key, default)
