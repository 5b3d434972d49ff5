"""Services of 通报 and 受理举报: the only code that writes a tip-off's state or drafts a notice
from data. Keyword-only, typed, take the acting user and a reason; one transaction each."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cms.directory.models import Department, Jurisdiction, Sector, Target
from cms.errors import InvalidInput, NotAllowed, NotFound, StateConflict
from cms.inputs import checked_reason
from cms.records import save_record
from cms.roles import is_office
from cms.uploads import CheckedPhoto
from workflows.hazards.models import Hazard, HazardLevel, HazardPhoto
from workflows.hazards.numbering import next_number
from workflows.hazards.services import hazard_register

from .models import NoticeIndexPage, NoticePage, TipOff, TipOffPhoto, TipOffState
from .selectors import MonthFigures, month_figures


def _first_of_month(value: datetime.date) -> datetime.date:
    return value.replace(day=1)


# ---------------------------------------------------------------- 受理举报

def tipoff_submit(
    *, page, place: str, description: str, contact: str = "", photos: Sequence[CheckedPhoto] = (), address: str | None = None,
) -> TipOff:
    """A member of the public files a report (already validated by ``TipOffForm``)."""
    with transaction.atomic():
        year, number = next_number("tipoff")
        query_code = new_query_code()
        tipoff = TipOff(code=f"JB{year}-{number:05d}", place=place, description=description, contact=contact,
                        ip_address=address if address and address != "unknown" else None,
                        query_code_hash=make_password(query_code))
        tipoff._change_reason = "公众通过受理举报页面提交"
        tipoff._history_ip = tipoff.ip_address
        tipoff.save()
        for photo in photos:
            TipOffPhoto.objects.create(
                tipoff=tipoff, extension=photo.extension, size=photo.size,
                image=ContentFile(photo.content, name=photo.stored_name),
            )
    tipoff.query_code = query_code  # shown once on the thank-you page; only the hash is stored
    return tipoff


# no 0/O, 1/I/L: read off a phone screen and typed back without doubt
QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
QUERY_CODE_LENGTH = 8


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def _lock_new_tipoff(tipoff_id: int) -> TipOff:
    tipoff = TipOff.objects.select_for_update().filter(pk=tipoff_id).first()
    if tipoff is None:
        raise NotFound()
    if tipoff.state != TipOffState.NEW:
        raise StateConflict(f"该举报已处理（{tipoff.get_state_display()}），不能重复处理")
    return tipoff


@dataclass(frozen=True)
class NewTarget:
    """A place the directory does not list yet, registered while accepting the tip-off about it."""

    name: str
    jurisdiction: Jurisdiction
    address: str = ""
    kind: str = Target.Kind.ENTERPRISE


def tipoff_accept(
    *, actor, reason: str, tipoff: TipOff, target: Target | None, sector: Sector, level: str = HazardLevel.GENERAL,
    description: str | None = None, is_prominent: bool = False, new_target: NewTarget | None = None,
) -> Hazard:
    """受理: the office turns a tip-off into a hazard on the target it chose, or on a new target it
    registers in the directory (through ``cms.records.save_record``, with its history) in the same
    transaction; the loop starts."""
    if not is_office(actor):
        raise NotAllowed("只有区安办可以处理举报")
    if (target is None and new_target is None) or sector is None:
        raise InvalidInput(fields={"target": "请选择监管对象（或登记新的监管对象）和行业领域"})
    with transaction.atomic():
        if target is None:
            target = save_record(
                instance=Target(name=new_target.name.strip(), jurisdiction=new_target.jurisdiction, address=new_target.address.strip(),
                                kind=new_target.kind),
                actor=actor, reason=f"受理举报 {tipoff.code} 时登记", m2m={"sectors": [sector]},
            )
        locked = _lock_new_tipoff(tipoff.pk)
        text = (description or "").strip() or locked.description
        hazard = hazard_register(
            actor=actor, reason=reason or f"受理举报 {locked.code}", description=f"{text}（举报地点：{locked.place}；举报编号：{locked.code}）",
            target=target, sector=sector, level=level, is_prominent=is_prominent, source=Hazard.Source.TIPOFF,
            found_at=locked.submitted_at,
        )
        for photo in locked.photos.all():
            with photo.image.open("rb") as handle:
                content = handle.read()
            copy = HazardPhoto(hazard=hazard, stage=HazardPhoto.Stage.FOUND, uploaded_by=actor,
                               image=ContentFile(content, name=f"tipoff.{photo.extension}"))
            copy._change_reason = f"举报 {locked.code} 所附照片"
            copy._history_user = actor
            copy.save()
        locked.state = TipOffState.ACCEPTED
        locked.hazard = hazard
        locked.handled_at = timezone.now()
        locked.handled_by = actor
        locked._change_reason = checked_reason(reason, default=f"受理，登记为隐患 {hazard.code}")
        locked._history_user = actor
        locked.save()
    tipoff.refresh_from_db()
    return hazard


def tipoff_dismiss(*, actor, reason: str, tipoff: TipOff) -> TipOff:
    """不予受理, with the reason (kept on the tip-off and in its history)."""
    if not is_office(actor):
        raise NotAllowed("只有区安办可以处理举报")
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise InvalidInput(fields={"reason": "请填写不予受理的理由"})
    with transaction.atomic():
        locked = _lock_new_tipoff(tipoff.pk)
        locked.state = TipOffState.DISMISSED
        locked.dismiss_reason = reason
        locked.handled_at = timezone.now()
        locked.handled_by = actor
        locked._change_reason = f"不予受理：{reason}"
        locked._history_user = actor
        locked.save()
    tipoff.refresh_from_db()
    return locked


# ---------------------------------------------------------------- 通报 from data

def _table(header: list[str], rows: list[list]) -> dict:
    """A TypedTableBlock value in its raw (JSON) form: the first column text, the rest numbers."""
    columns = [{"type": "text" if i == 0 else "number", "heading": h} for i, h in enumerate(header)]
    return {
        "columns": columns,
        "rows": [{"values": [str(v) if i == 0 else v for i, v in enumerate(row)]} for row in rows],
        "caption": "",
    }


def notice_body_for_month(figures: MonthFigures) -> list[dict]:
    month_label = f"{figures.month:%Y年}{figures.month.month}月"
    summary = (
        f"<p>{month_label}，全区各督导检查组共发现隐患问题{figures.found}项，其中重大隐患{figures.major}项、"
        f"一般隐患{figures.general}项、突出隐患{figures.prominent}项；截至{figures.as_of:%Y年%m月%d日}，"
        f"已整改销号{figures.closed}项，逾期未整改{figures.overdue}项，挂牌督办{figures.supervised}项。</p>"
    )
    header = ["单位", "发现隐患", "已销号", "逾期未整改", "挂牌督办"]
    body = [
        {"type": "heading", "value": "一、总体情况"},
        {"type": "paragraph", "value": summary},
        {"type": "heading", "value": "二、各属地隐患整改情况"},
        {"type": "table", "value": _table(header, [[r.unit, r.found, r.closed, r.overdue, r.supervised] for r in figures.by_jurisdiction])},
        {"type": "heading", "value": "三、各行业领域隐患整改情况"},
        {"type": "table", "value": _table(["行业领域", *header[1:]], [[r.unit, r.found, r.closed, r.overdue, r.supervised] for r in figures.by_sector])},
    ]
    if figures.attention_hazard_ids:
        body += [
            {"type": "heading", "value": "四、逾期及挂牌督办隐患"},
            {"type": "hazards", "value": {"heading": "逾期及挂牌督办隐患清单", "hazards": figures.attention_hazard_ids}},
            {"type": "units", "value": {
                "heading": "涉及属地", "departments": [], "jurisdictions": figures.attention_jurisdiction_ids,
                "note": "请上述属地督促责任单位按期整改到位，并将整改情况报区安办。",
            }},
        ]
    body += [{"type": "heading", "value": "五、下一步工作要求"},
             {"type": "paragraph", "value": (
                 "<p>各镇街、工业园区和区安委会有关成员单位要对照本通报所列问题隐患，逐项落实整改责任、措施、资金、时限和预案，"
                 "能立即整改的要即行即改，一时无法整改到位的要制定整改方案、按期整改到位；对逾期未整改的隐患，区安办将发出提醒单，"
                 "重大隐患挂牌督办，并视情况报送区督查、效能等部门。</p>")}]
    return body


def notice_draft_month_results(*, actor, reason: str, month: datetime.date, index: NoticeIndexPage | None = None) -> NoticePage:
    """通报本月结果: a draft notice prefilled with the month's figures, ready for editing and review."""
    if not is_office(actor):
        raise NotAllowed("只有区安办可以起草通报")
    index = index or NoticeIndexPage.objects.first()
    if index is None:
        raise InvalidInput("尚未建立通报栏目，请先运行 manage.py setup_site")
    month = _first_of_month(month)
    figures = month_figures(month)
    title = f"关于{month:%Y年}{month.month}月安全生产督导检查情况的通报"
    page = NoticePage(
        title=title, document_number="",  # numbered when it is signed, never before
        report_month=month, visibility=NoticePage.Visibility.INTERNAL,
        addressee_text="各镇街、工业园区，区安委会有关成员单位", body=notice_body_for_month(figures),
        live=False, owner=actor,
    )
    base_slug = f"tongbao-{month:%Y-%m}"
    slug, n = base_slug, 1
    while index.get_children().filter(slug=slug).exists():
        n += 1
        slug = f"{base_slug}-{n}"
    page.slug = slug
    page.addressee_jurisdictions.set(Jurisdiction.objects.filter(is_active=True))
    page.addressee_departments.set(Department.objects.filter(kind=Department.Kind.DEPARTMENT, is_active=True))
    with transaction.atomic():
        index.add_child(instance=page)
        page.save_revision(user=actor, log_action=True)
    return page
