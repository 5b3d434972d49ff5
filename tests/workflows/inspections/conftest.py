"""A published checklist, an industry group of 应急管理局 and a 危化品 target in 拱辰街道."""

from __future__ import annotations

import base64
import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image

from cms.records import save_record
from cms.roles import Role
from tests.cms.checklists.factories import build_template
from workflows.inspections.models import InspectionGroup


def jpeg_bytes(*, taken: str | None = "2026:11:20 09:30:00", gps: tuple | None = ((25, 26, 3.6), (119, 1, 12.0)), size=(64, 48)) -> bytes:
    """A real JPEG; with EXIF DateTimeOriginal and GPS when asked (Pillow writes EXIF)."""
    image = Image.new("RGB", size, (200, 80, 40))
    exif = Image.Exif()
    if taken:
        exif[0x0132] = taken
        exif.get_ifd(0x8769)[0x9003] = taken
    if gps:
        gps_ifd = exif.get_ifd(0x8825)
        gps_ifd[1] = "N"
        gps_ifd[2] = tuple(float(x) for x in gps[0])
        gps_ifd[3] = "E"
        gps_ifd[4] = tuple(float(x) for x in gps[1])
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


@pytest.fixture
def checklist(ref, users):
    return build_template(users[Role.OFFICE_EDITOR], [ref["sectors"]["危化品"]])


@pytest.fixture
def group(ref, users):
    return save_record(instance=InspectionGroup(name="应急管理局行业督导检查组", kind=InspectionGroup.Kind.INDUSTRY,
                                                lead_department=ref["departments"]["应急管理局"]),
                       actor=None, reason="测试", m2m={"sectors": [ref["sectors"]["危化品"]], "members": [users[Role.INSPECTOR]]})


@pytest.fixture
def target(make_target):
    return make_target("荔城化工仓储有限公司", jurisdiction="拱辰街道", sectors=("危化品",))


def answers_for(version, *, fail: set[str] = frozenset(), photos: dict | None = None) -> list[dict]:
    """A complete, valid set of answers (all 合格) for ``version``; items whose text is in ``fail`` fail."""
    result = []
    for item in version.items.order_by("sort_order"):
        value = {"pass_fail": "不合格" if item.text in fail else "合格", "number": "35", "choice": item.choices[0] if item.choices else "",
                 "text": "无", "photo": ""}[item.answer_type]
        answer = {"item": item.pk, "value": value, "remark": "现场发现问题" if item.text in fail else ""}
        if photos and item.text in photos:
            answer["photos"] = photos[item.text]
        result.append(answer)
    return result


def started(seconds: int = 600) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=seconds)
