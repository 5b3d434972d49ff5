"""Render every document the office sends into docs/samples/*.png (``make samples``).

Builds a month of demo data in a throwaway SQLite database through the services (last month,
relative to today: the loop refuses deadlines in the past), generates each Word file through
the real export code (selectors + builders, as the download endpoints do), converts them to PDF
with LibreOffice in one call and each page to a small PNG (``pdftoppm -r 60``, 16 colours).

    .venv/bin/python scripts/make_samples.py [--out docs/samples] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBLEMS = [
    ("危险化学品未按规定分区、分类、分库存放", "仓库内氧化剂与易燃液体混放", "major"),
    ("安全出口指示标志损坏", "二楼东侧疏散指示灯不亮", "general"),
    ("涉氨制冷车间氨气泄漏报警装置未与事故排风联锁", "", "major"),
    ("有限空间作业未执行“先通风、再检测、后作业”", "污水池清理无检测记录", "general"),
    ("喷涂作业场所电气设备未采用防爆型", "喷漆房照明灯具为普通型", "general"),
    ("特种设备（叉车）未按期检验", "叉车检验合格证过期", "general"),
    ("消防通道堆放杂物", "", "general"),
    ("可燃爆粉尘作业场所未按规定清扫积尘", "打磨工位积尘较厚", "general"),
    ("从业人员未经安全生产教育和培训上岗", "新员工3人无培训记录", "general"),
    ("动火作业未办理审批手续", "", "general"),
    ("配电箱未接地，线路私拉乱接", "", "general"),
    ("危险化学品安全技术说明书缺失", "", "general"),
    ("应急预案未组织演练", "本年度无演练记录", "general"),
    ("储罐区防火堤破损", "东侧防火堤有裂缝", "general"),
    ("岗位安全操作规程未上墙", "", "general"),
]
TARGETS = [
    ("荔园化工有限公司", "拱辰街道", ("危化品",)),
    ("东圳五金加工厂", "拱辰街道", ("工贸",)),
    ("北高油漆经营部", "北高镇", ("危化品",)),
    ("北高冷冻食品有限公司", "北高镇", ("工贸",)),
    ("新度塑料制品厂", "新度镇", ("危化品", "工贸")),
    ("黄石家具制造有限公司", "黄石镇", ("工贸",)),
]


def setup_django(database: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.dev"
    os.environ.setdefault("MEDIA_ROOT", str(database.parent / "media"))
    import django

    django.setup()


def build_data(today: datetime.date) -> dict:
    """A month of one department's supervision, the loop moving on its hazards, three 三单 and a notice."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from cms.directory.demo import load_demo
    from cms.directory.models import Department, Jurisdiction, Sector, Target
    from cms.records import save_record
    from notices.services import notice_draft_month_results
    from workflows.hazards.models import Hazard
    from workflows.hazards.services import hazard_assign, hazard_register, hazard_supervise
    from workflows.hazards.services_orders import order_issue
    from workflows.inspections.models import Inspection, InspectionGroup
    from workflows.inspections.services import feedback_record
    from workflows.reporting.models import MonthlyReport
    from workflows.reporting.services import report_save_draft, report_submit, reports_open

    quiet = io.StringIO()
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command("load_reference_data", verbosity=0, stdout=quiet)
    call_command("setup_site", verbosity=0, stdout=quiet)
    load_demo(password="samples-only-1")
    users = {u.username: u for u in get_user_model().objects.all()}
    office, dept_user = users["office_admin"], users["dept_yjj"]
    yjj = Department.objects.get(short_name="应急管理局")
    month_end = today.replace(day=1) - datetime.timedelta(days=1)
    month = month_end.replace(day=1)
    sectors = {s.name: s for s in Sector.objects.all()}
    jurisdictions = {j.name: j for j in Jurisdiction.objects.all()}

    targets = []
    for name, place, names in TARGETS:
        target = Target.objects.filter(name=name).first() or save_record(
            instance=Target(name=name, jurisdiction=jurisdictions[place], address=f"{place}样例路1号"), actor=None,
            reason="样例数据", m2m={"sectors": [sectors[n] for n in names]})
        targets.append(target)
    groups = [save_record(instance=InspectionGroup(name=name, kind=InspectionGroup.Kind.INDUSTRY, lead_department=yjj),
                          actor=None, reason="样例数据", m2m={"sectors": [sectors["危化品"], sectors["工贸"]]})
              for name in ("应急管理局危化品督导检查组", "应急管理局工贸督导检查组")]
    tz = datetime.timezone(datetime.timedelta(hours=8))
    inspections, hazards = [], []
    days = (3, 8, 12, 17, 22, 26)
    for index, (target, day) in enumerate(zip(targets, days, strict=True)):
        inspection = Inspection(group=groups[index % 2], target=target, inspected_on=month.replace(day=day),
                                method="unannounced" if index == 0 else "planned")
        inspection._change_reason = "样例数据"
        inspection.save()
        inspections.append(inspection)
    for n, (finding, remark, level) in enumerate(PROBLEMS):
        inspection = inspections[n % len(inspections)] if n < 12 else inspections[0]
        found_at = datetime.datetime.combine(inspection.inspected_on, datetime.time(10), tzinfo=tz)
        hazards.append(hazard_register(
            actor=office, reason="督导检查发现", description=finding + (f"：{remark}" if remark else ""), target=inspection.target,
            sector=next(iter(inspection.target.sectors.all())), level=level, is_prominent=n == 2, inspection=inspection,
            found_at=found_at))
    deadline = today + datetime.timedelta(days=15)
    # a 交办单 to a town about an enterprise's hazard (it answers for itself: its 属地 receives it)
    hazard_assign(hazard=hazards[1], actor=office, reason="交办", responsible_kind=Hazard.ResponsibleKind.TARGET,
                  responsible_person="林经理", deadline=deadline, issue_order=True)
    for hazard in hazards[3:8]:
        hazard_assign(hazard=hazard, actor=office, reason="交办", responsible_kind=Hazard.ResponsibleKind.DEPARTMENT,
                      responsible_department=yjj, responsible_person="陈科长", deadline=today + datetime.timedelta(days=3))
    hazard_assign(hazard=hazards[0], actor=office, reason="交办", responsible_kind=Hazard.ResponsibleKind.DEPARTMENT,
                  responsible_department=yjj, responsible_person="陈科长", deadline=today + datetime.timedelta(days=30))
    supervision = hazard_supervise(hazard=hazards[0], actor=office, reason="重大隐患挂牌督办")
    reminder = order_issue(actor=office, reason="临期提醒", kind="reminder", due_date=today + datetime.timedelta(days=3),
                           content="请督促企业在整改时限内完成整改，并将整改前后照片一并报送。",
                           recipient_department=yjj, hazards=hazards[3:6])
    assignment = hazards[1].orders.get()
    feedback_record(actor=office, reason="反馈意见", inspection=inspections[0],
                    problems="（一）危险化学品储存管理不规范。仓库内氧化剂与易燃液体混放，未按规定分区、分类、分库存放。\n"
                             "（二）应急管理基础薄弱。应急预案本年度未组织演练，员工对应急处置程序不熟悉。",
                    suggestions="1.立即对仓库进行清理，按危险化学品性质分区、分类、分库存放，设置明显标识。\n"
                                "2.组织开展一次应急演练，并对从业人员进行应急处置培训。",
                    rectification_deadline=today + datetime.timedelta(days=20), delivered_on=inspections[0].inspected_on)

    reports_open(actor=None, month=month)
    report = MonthlyReport.objects.get(department=yjj, month=month)
    report_save_draft(
        actor=dept_user, reason="填写", report=report,
        highlights="（一）聚焦重点企业。对辖区危险化学品使用企业和涉氨制冷企业逐家建档，实行清单化管理。\n"
                   "（二）专家参与检查。邀请危化品、工贸行业专家参加督导检查，提升发现问题的精准度。",
        problems="（一）部分企业主体责任落实不到位。危险化学品储存、有限空间作业等环节仍存在违规现象。\n"
                 "（二）风险研判。当前正值生产旺季，企业赶工期、抢进度，夜间作业增多，事故风险上升。",
        next_steps="（一）紧盯隐患整改。对本月发现的隐患逐项跟踪，逾期未整改的提请挂牌督办。\n"
                   "（二）开展专项执法。对危险化学品储存场所开展“四不两直”暗查暗访。")
    report_submit(actor=dept_user, reason="报送", report=report)
    notice = notice_draft_month_results(actor=office, reason="起草", month=month)
    notice.document_number = f"荔安办〔{today.year}〕18号"
    notice.issued_on = today
    notice.save_revision(user=office).publish()
    notice.refresh_from_db()
    return {"month": month, "department": yjj, "orders": {"assignment": assignment, "reminder": reminder, "supervision": supervision},
            "inspection": inspections[0], "notice": notice}


def generate(data: dict, today: datetime.date, out: Path) -> list[Path]:
    from exports import selectors
    from exports.monthly_report import build_district_report, build_monthly_report
    from exports.official import build_official_document

    month = data["month"]
    files = {
        "notice": build_official_document(selectors.notice_document(data["notice"])),
        "monthly-report": build_monthly_report(selectors.monthly_report_data(data["department"], month.year, month.month, today=today)),
        "district-report": build_district_report(selectors.district_report_data(month.year, month.month, today=today)),
        "feedback-letter": build_official_document(selectors.inspection_feedback(data["inspection"])),
    }
    for kind, order in data["orders"].items():
        files[f"order-{kind}"] = build_official_document(selectors.order_document(order))
    paths = []
    for name, content in files.items():
        path = out / f"{name}.docx"
        path.write_bytes(content)
        paths.append(path)
    return paths


def to_pdf(paths: list[Path], workdir: Path) -> list[Path]:
    """One soffice call for all documents, with its own profile (others may run LibreOffice too)."""
    profile = workdir / "lo-profile"
    # as printed on both sides: with the blank page before a 版记 that starts an even page
    as_printed = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", as_printed,
                    "--outdir", str(workdir), *map(str, paths)], check=True, capture_output=True, timeout=600)
    pdfs = [workdir / f"{p.stem}.pdf" for p in paths]
    missing = [p.name for p in pdfs if not p.exists()]
    if missing:
        raise SystemExit(f"LibreOffice 未生成：{', '.join(missing)}")
    return pdfs


def to_png(pdfs: list[Path], out: Path, workdir: Path) -> list[Path]:
    from PIL import Image

    pngs = []
    for pdf in pdfs:
        prefix = workdir / pdf.stem
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(prefix)], check=True, timeout=300)
        pages = sorted(workdir.glob(f"{pdf.stem}-*.png"))
        for number, page in enumerate(pages, start=1):
            target = out / f"{pdf.stem}-{number}.png"
            # 16 colours keep black text, grey table rules and the red 版头: a fifth of the size
            Image.open(page).convert("RGB").quantize(colors=16).save(target, optimize=True)
            pngs.append(target)
    return pngs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "samples"))
    parser.add_argument("--keep", default="", help="也把 .docx 和 .pdf 留在此目录")
    args = parser.parse_args()
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            raise SystemExit(f"需要 {tool}：请先运行 make deps（scripts/system-deps.sh）")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="samples-") as tmp:
        work = Path(tmp)
        setup_django(work / "samples.sqlite3")
        from django.utils import timezone

        today = timezone.localdate()
        data = build_data(today)
        docs = generate(data, today, work)
        pdfs = to_pdf(docs, work)
        for old in out.glob("*.png"):
            old.unlink()
        pngs = to_png(pdfs, out, work)
        if args.keep:
            keep = Path(args.keep)
            keep.mkdir(parents=True, exist_ok=True)
            for path in docs + pdfs:
                shutil.copy(path, keep / path.name)
    total = sum(p.stat().st_size for p in pngs)
    print(f"{len(pngs)} 页，共 {total / 1024:.0f} KB → {out}")
    for path in pngs:
        print(f"  {path.name}  {path.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
