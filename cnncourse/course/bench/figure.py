"""One measured figure: its value, its target, and whether the target is met."""
from __future__ import annotations

import operator
from dataclasses import asdict, dataclass

OK, NOT_AVAILABLE, ERROR = "ok", "not available", "error"
_COMPARE = {">=": operator.ge, "<=": operator.le}


@dataclass
class Figure:
    """A row of the benchmark table.

    ``value`` is compared with ``target`` using ``direction`` (``">="`` or ``"<="``). A figure
    from a ``reduced`` run (``--quick``) keeps its target for reference but is not judged
    against it (``met`` is None): a 1-epoch accuracy says nothing about the 5-epoch target.
    ``status`` is ``"ok"``, ``"not available"`` (a prerequisite is missing; not a failure of
    the benchmark) or ``"error"`` (the benchmark crashed; ``detail`` says why).
    """

    key: str
    name: str
    value: float | None
    unit: str
    target: float | None = None
    direction: str = "<="
    detail: str = ""
    reduced: bool = False
    status: str = OK

    @property
    def met(self) -> bool | None:
        if self.status != OK or self.value is None or self.target is None or self.reduced:
            return None
        return bool(_COMPARE[self.direction](self.value, self.target))

    def to_json(self) -> dict:
        return {**asdict(self), "met": self.met}

    @classmethod
    def failed(cls, key: str, name: str, status: str, reason: str, unit: str = "",
               target: float | None = None, direction: str = "<=") -> "Figure":
        """A row that could not be measured: ``status`` is NOT_AVAILABLE or ERROR."""
        return cls(key, name, None, unit, target, direction, detail=reason, status=status)
