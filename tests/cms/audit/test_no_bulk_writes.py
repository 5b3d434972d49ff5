"""Nothing may change a tracked model without a history row: no ``QuerySet.update()`` or
``bulk_update()`` on tracked models anywhere in the code (only the chain itself, in
``cms/audit/chain.py``, updates history rows). Checked two ways: an AST scan of the code tree,
and the querysets of tracked models refusing both at run time."""

import ast
from pathlib import Path

import pytest

from cms.audit import chain
from cms.audit.models import HistoryBypassed

ROOT = Path(__file__).resolve().parents[3]
CODE = ["cms", "workflows", "notices", "exports"]
ALLOWED = {Path("cms/audit/chain.py")}


def tracked_model_names() -> set[str]:
    return {m.instance_type.__name__ for m in chain.history_models()}


def _root(node):
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return node


def bulk_writes(source: str, tracked: set[str]) -> list[tuple[int, str]]:
    """(line, text) of each ``.update(``/``.bulk_update(`` whose receiver starts at a tracked model."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("update", "bulk_update"):
            root = _root(node.func.value)
            if isinstance(root, ast.Name) and root.id in tracked:
                found.append((node.lineno, ast.unparse(node)[:120]))
    return found


def test_scanner_catches_a_bulk_update():
    tracked = {"Hazard", "Order"}
    source = "Hazard.objects.filter(pk=1).update(state='closed')\nOrder.objects.bulk_update(rows, ['status'])\nd.update(x=1)\n"
    assert [line for line, _ in bulk_writes(source, tracked)] == [1, 2]


def test_no_bulk_writes_on_tracked_models_in_the_code():
    tracked = tracked_model_names()
    assert {"Hazard", "HazardPlan", "HazardEvidence", "Order"} <= tracked
    violations = []
    for top in CODE:
        for path in (ROOT / top).rglob("*.py"):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or relative in ALLOWED:
                continue
            for line, text in bulk_writes(path.read_text(encoding="utf-8"), tracked):
                violations.append(f"{relative}:{line}: {text}")
    assert not violations, "绕过审计历史的批量写入：\n" + "\n".join(violations)


@pytest.mark.django_db
def test_tracked_querysets_refuse_bulk_writes():
    from workflows.hazards.models import Hazard, HazardEvidence, HazardPlan, Order

    for model in (Hazard, HazardPlan, HazardEvidence, Order):
        with pytest.raises(HistoryBypassed):
            model.objects.filter(pk=0).update(version=2) if hasattr(model, "version") else model.objects.filter(pk=0).update(pk=0)
        with pytest.raises(HistoryBypassed):
            model.objects.bulk_update([], ["pk"])
