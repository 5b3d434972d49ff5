"""The paper: Word files rendered by LibreOffice to PDF, pages counted and read.

All documents are built first and converted in one ``soffice`` call (a session fixture, its own
LibreOffice profile), so the whole module costs one LibreOffice start."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from exports.data import FourListRow, OfficialDocumentData
from exports.monthly_report import build_four_lists_docx, build_monthly_report
from exports.official import build_official_document

from .test_word_format import report

pytestmark = pytest.mark.render

PROBLEMS = [
    "危险化学品未按规定分区、分类、分库存放：仓库内氧化剂与易燃液体混放",
    "安全出口指示标志损坏：二楼东侧疏散指示灯不亮",
    "涉氨制冷车间氨气泄漏报警装置未与事故排风联锁",
    "有限空间作业未执行“先通风、再检测、后作业”：污水池清理无检测记录",
    "喷涂作业场所电气设备未采用防爆型：喷漆房照明灯具为普通型",
]
ISSUER = "荔城区人民政府安全生产委员会办公室"


def hazard(n: int) -> FourListRow:
    return FourListRow(
        target=f"荔城区样例化工有限公司{n}", inspecting_unit="荔城区应急管理局", problem=PROBLEMS[n % len(PROBLEMS)],
        level="重大隐患（突出）" if n == 1 else "一般隐患", measures="立即清理，分区分类存放并设置标识",
        deadline=datetime.date(2026, 12, 10 + n % 18), state="整改中", responsible_unit="荔城区样例化工有限公司",
        responsible_person="林志强", code=f"YH2026-{n:06d}", is_overdue=n % 4 == 0)


def order(kind: str, title: str, *, extra_lines: int = 0, rows: int = 3) -> OfficialDocumentData:
    body = (f"经督导检查，你单位主管行业领域的荔城区样例化工有限公司存在以下安全生产隐患问题{rows}项，现予{kind}，"
            "请督促责任单位抓紧整改，确保按期整改到位。")
    body += "".join(f"\n{n + 1}.请督促企业落实全员安全生产责任制，健全安全管理制度和操作规程，加强从业人员教育培训。"
                    for n in range(extra_lines))
    return OfficialDocumentData(
        kind=kind, doc_number="荔安办督〔2026〕12号", title=title, addressee="荔城区应急管理局", body=body, issuer=ISSUER,
        issued_on=datetime.date(2026, 3, 9), rows=tuple(hazard(n) for n in range(1, rows + 1)),
        reply_due=datetime.date(2026, 3, 31), rows_state_note="（隐患状态为2026年3月9日发文时的状态）")


# every body length from a short order to one that spills onto a second page: one of them puts
# the signature at the foot of page 1, where a date alone could fall over
BOUNDARY = range(0, 12)


@pytest.fixture(scope="session")
def rendered(tmp_path_factory) -> dict[str, Path]:
    if shutil.which("soffice") is None or shutil.which("pdfinfo") is None:
        pytest.skip("需要 LibreOffice 与 poppler-utils：make deps（scripts/system-deps.sh）")
    work = tmp_path_factory.mktemp("render")
    documents = {
        "annex15": build_monthly_report(report([hazard(n) for n in range(1, 16)])),
        "four_lists15": build_four_lists_docx("2026年3月区应急管理局督导检查隐患问题“四个清单”", [hazard(n) for n in range(1, 16)]),
        "assignment": build_official_document(order("交办", "安全生产工作交办单")),
        "reminder": build_official_document(order("提醒", "安全生产工作提醒单")),
        "supervision": build_official_document(order("挂牌督办", "安全生产隐患督办单")),
    }
    for n in BOUNDARY:
        documents[f"boundary{n:02d}"] = build_official_document(order("挂牌督办", "安全生产隐患督办单", extra_lines=n))
    paths = []
    for name, content in documents.items():
        path = work / f"{name}.docx"
        path.write_bytes(content)
        paths.append(str(path))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{work / 'profile'}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(work), *paths], check=True, capture_output=True, timeout=600)
    return {name: work / f"{name}.pdf" for name in documents}


def pages(pdf: Path) -> list[tuple[float, float]]:
    """(width, height) in points of every page."""
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], check=True, capture_output=True, text=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", out)]


def page_text(pdf: Path, number: int) -> list[str]:
    out = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), "-layout", str(pdf), "-"],
                         check=True, capture_output=True, text=True).stdout
    # pdftotext spaces out digits between Chinese characters ("2026 年 3 月"): read without spaces
    return [re.sub(r"\s+", "", line) for line in out.splitlines() if line.strip()]


def test_a_15_hazard_annex_fits_on_two_landscape_pages(rendered):
    sizes = pages(rendered["annex15"])
    landscape = [w > h for w, h in sizes]
    assert landscape[:1] == [False] and landscape.count(True) <= 2, sizes
    assert landscape.count(True) >= 1
    alone = pages(rendered["four_lists15"])
    assert len(alone) <= 2 and all(w > h for w, h in alone)
    # every row names its 责任人 once: rows per page
    per_page = ["".join(page_text(rendered["four_lists15"], n)).count("林志强") for n in range(1, len(alone) + 1)]
    assert sum(per_page) == 15, per_page
    assert per_page[0] >= 12, f"a dozen rows a landscape page at least (the first page also holds the title): {per_page}"


@pytest.mark.parametrize("kind", ["assignment", "reminder", "supervision"])
def test_an_order_fits_on_one_page(rendered, kind):
    assert len(pages(rendered[kind])) == 1
    text = " ".join(page_text(rendered[kind], 1))
    assert ISSUER in text and "2026年3月9日" in text


def test_no_page_holds_only_the_signature_or_its_date(rendered):
    signature_lines = {ISSUER, "2026年3月9日"}
    spilled = 0
    for n in BOUNDARY:
        pdf = rendered[f"boundary{n:02d}"]
        count = len(pages(pdf))
        spilled += count > 1
        for number in range(1, count + 1):
            lines = [line for line in page_text(pdf, number) if not re.fullmatch(r"—\d+—", line)]
            assert not set(lines) <= signature_lines, f"{n} extra lines: page {number} holds only {lines}"
            if "2026年3月9日" in lines:
                assert ISSUER in lines, f"{n} extra lines: the date parted from the signature on page {number}"
    assert spilled, "no body long enough to reach a second page: the boundary was not tested"
