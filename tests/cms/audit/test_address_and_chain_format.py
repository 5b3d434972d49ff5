"""The audit's 来源地址 is the client's address as far as our proxies vouch for it, and only ever a
valid IP address; the chain tells NULL from '' (digest format 2) while rows sealed in format 1
still verify (issue 15, finding 2)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from cms.audit import chain
from cms.audit.models import ChainHead
from cms.directory.models import Target
from cms.roles import Role

pytestmark = pytest.mark.django_db
HISTORY = Target.history.model
TABLE = HISTORY._meta.db_table


def create_target(api_for, users, ref, name, **headers):
    client = api_for(users[Role.OFFICE_EDITOR])
    response = client.post("/api/v1/targets/", {"name": name, "jurisdiction": ref["jurisdictions"]["拱辰街道"].pk,
                                                "sectors": [ref["sectors"]["工贸"].pk]}, format="json", **headers)
    assert response.status_code == 201, response.json()
    return HISTORY.objects.filter(id=response.json()["id"]).order_by("-history_id").first()


@pytest.mark.parametrize("hops, expected", [(0, "127.0.0.1"), (1, "127.0.0.1"), (2, "203.0.113.99")])
def test_recorded_address_is_only_as_far_as_the_trusted_hops(hops, expected, api_for, users, ref):
    # the client claims 203.0.113.99; one proxy of ours appended 127.0.0.1
    with override_settings(TRUSTED_PROXY_HOPS=hops):
        row = create_target(api_for, users, ref, f"地址测试{hops}", REMOTE_ADDR="127.0.0.1",
                            HTTP_X_FORWARDED_FOR="203.0.113.99, 127.0.0.1")
    assert row.ip_address == expected


@override_settings(TRUSTED_PROXY_HOPS=1)
def test_a_forwarded_value_that_is_not_an_address_is_never_stored(api_for, users, ref):
    row = create_target(api_for, users, ref, "地址测试坏值", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="<b>not-an-ip</b>")
    assert row.ip_address is None
    row = create_target(api_for, users, ref, "地址测试端口", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.3:4431")
    assert row.ip_address is None


def verify_fails() -> str:
    err = io.StringIO()
    with pytest.raises(CommandError, match="审计链校验失败"):
        call_command("verify_history", stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def verify_passes() -> str:
    out = io.StringIO()
    call_command("verify_history", stdout=out, stderr=io.StringIO())
    assert "审计链完好" in out.getvalue()
    return out.getvalue()


def test_null_and_empty_string_are_told_apart(make_target):
    target = make_target("无信用代码化工")
    assert target.credit_code is None
    row = HISTORY.objects.filter(id=target.pk).latest("history_id")
    assert chain.canonical(row, version=1) == chain.canonical(_with(row, credit_code=""), version=1)  # format 1 could not tell
    assert chain.canonical(row) != chain.canonical(_with(row, credit_code=""))
    verify_passes()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET credit_code = '' WHERE history_id = %s", [row.history_id])
    message = verify_fails()
    assert f"history_id={row.history_id}" in message and "被篡改" in message


def _with(row, **changes):
    copy = HISTORY.objects.get(pk=row.pk)
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy


def _reseal_in_format_1():
    """Rewrite the whole table's chain as the previous release wrote it (digest format 1)."""
    prev, seq = "", 0
    for row in HISTORY.objects.order_by("chain_seq", "history_id"):
        seq += 1
        row.chain_seq, row.prev_hash = seq, prev
        row_hash = chain.digest(prev, row, version=1)
        HISTORY.objects.filter(pk=row.pk).update(chain_seq=seq, prev_hash=prev, row_hash=row_hash)
        prev = row_hash
    ChainHead.objects.filter(table=TABLE).update(length=seq, last_hash=prev)


def test_rows_sealed_before_and_after_the_format_change_verify(make_target):
    make_target("旧格式甲")
    make_target("旧格式乙")
    _reseal_in_format_1()
    verify_passes()
    old = HISTORY.objects.order_by("chain_seq").last()
    new = make_target("新格式丙")  # written now: format 2, after the format-1 rows
    newest = HISTORY.objects.filter(id=new.pk).latest("history_id")
    assert newest.row_hash == chain.digest(newest.prev_hash, newest) != chain.digest(newest.prev_hash, newest, version=1)
    assert newest.prev_hash == old.row_hash
    verify_passes()


def test_a_format_1_row_after_a_format_2_row_is_refused(make_target):
    make_target("新格式丁")
    last = HISTORY.objects.order_by("chain_seq").last()
    make_target("新格式戊")
    victim = HISTORY.objects.order_by("chain_seq").last()
    assert victim.prev_hash == last.row_hash
    # whoever holds the key could seal it in the old format, where NULL and '' look alike: refused
    forged = chain.digest(victim.prev_hash, victim, version=1)
    HISTORY.objects.filter(pk=victim.pk).update(row_hash=forged)
    ChainHead.objects.filter(table=TABLE).update(last_hash=forged)
    message = verify_fails()
    assert f"history_id={victim.history_id}" in message and "被篡改" in message
