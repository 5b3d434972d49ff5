"""``manage.py verify_history`` names the first row altered, deleted or inserted behind the
application's back, and exits non-zero (``CommandError``)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cms.roles import Role
from tests.workflows.hazards.factories import advance, register
from workflows.hazards.models import Hazard, Order

pytestmark = pytest.mark.django_db
TABLE = Hazard.history.model._meta.db_table


@pytest.fixture
def rows(users, make_target):
    """One hazard taken through the loop: five hazard history rows, chained."""
    hazard = advance(register(users[Role.OFFICE_ADMIN], make_target("审计化工")), "closed",
                     office=users[Role.OFFICE_ADMIN], responsible=users[Role.DEPARTMENT])
    history = list(Hazard.history.filter(id=hazard.pk).order_by("chain_seq"))
    assert len(history) == 5
    return history


def verify() -> str:
    err = io.StringIO()
    with pytest.raises(CommandError, match="审计链校验失败"):
        call_command("verify_history", stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def test_intact_chain_passes(rows, users):
    from workflows.hazards.services import hazard_supervise
    from workflows.hazards.services_orders import order_acknowledge

    # 三单 history carries the covered hazards (m2m) inside the chained digest
    hazard = advance(register(users[Role.OFFICE_ADMIN], Hazard.objects.get(pk=rows[0].id).target), "assigned",
                     office=users[Role.OFFICE_ADMIN], responsible=users[Role.DEPARTMENT])
    order = hazard_supervise(hazard=hazard, actor=users[Role.OFFICE_ADMIN], reason="督办")
    order_acknowledge(order=order, actor=users[Role.DEPARTMENT], reason="签收")
    out = io.StringIO()
    call_command("verify_history", stdout=out, stderr=io.StringIO())
    assert "审计链完好" in out.getvalue()
    assert f"✓ {TABLE}：8 行完好" in out.getvalue()  # 5 + register, assign, supervise
    assert f"✓ {Order.history.model._meta.db_table}：3 行完好" in out.getvalue()  # issue, m2m set, acknowledge


def test_edited_row_is_named(rows):
    victim = rows[2]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET description = %s WHERE history_id = %s", ["已篡改", victim.history_id])
    message = verify()
    assert f"{TABLE} [history_id={victim.history_id}, 链序号=3]" in message
    assert "被篡改" in message


def test_edited_reason_or_user_is_named(rows, users):
    victim = rows[1]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET history_user_id = %s WHERE history_id = %s", [users[Role.AUDITOR].pk, victim.history_id])
    assert f"history_id={victim.history_id}" in verify()


def test_deleted_middle_row_is_named(rows):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE history_id = %s", [rows[2].history_id])
    message = verify()
    # the row after the gap is named, with the missing position
    assert f"history_id={rows[3].history_id}" in message
    assert "链序号 3 缺失" in message


def test_inserted_forged_row_is_named(rows):
    forged = Hazard.history.model.objects.get(history_id=rows[-1].history_id)
    forged.history_id = None
    forged.history_change_reason = "伪造的销号记录"
    forged.chain_seq, forged.prev_hash, forged.row_hash = None, "", ""
    forged.save()  # a direct insert: no signal, so no chain position
    message = verify()
    assert f"history_id={forged.history_id}" in message
    assert "不在审计链中" in message


def test_inserted_copy_of_a_chained_row_is_named(rows):
    forged = Hazard.history.model.objects.get(history_id=rows[1].history_id)
    forged.history_id = None
    forged.save()  # same position and digest as an existing row
    message = verify()
    assert f"history_id={forged.history_id}" in message
    assert "链序号重复" in message


def test_inserted_row_with_forged_chain_position_is_named(rows):
    forged = Hazard.history.model.objects.get(history_id=rows[-1].history_id)
    forged.history_id = None
    forged.chain_seq = rows[-1].chain_seq + 1
    forged.prev_hash = rows[-1].row_hash
    forged.row_hash = "0" * 64  # without the key, the digest cannot be forged
    forged.save()
    message = verify()
    assert f"history_id={forged.history_id}" in message


def test_deleted_last_row_is_caught(rows):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE history_id = %s", [rows[-1].history_id])
    message = verify()
    assert TABLE in message and "末尾行被删除" in message
