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

from .builders import NOTICE_OFFICE, notice_data
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


# the pages as printed on both sides: with the blank pages Word and LibreOffice insert before a
# section that starts on an even page (LibreOffice's PDF export leaves them out by default)
PDF_AS_PRINTED = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'
# 通报 of 0 to 11 paragraphs: bodies ending on page 1, on page 2 with room, filling page 2, on page 3
NOTICE_LENGTHS = range(0, 12)


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
    for n in NOTICE_LENGTHS:
        documents[f"notice{n:02d}"] = build_official_document(notice_data(n))
    paths = []
    for name, content in documents.items():
        path = work / f"{name}.docx"
        path.write_bytes(content)
        paths.append(str(path))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{work / 'profile'}", "--headless", "--convert-to", PDF_AS_PRINTED,
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
    lines = page_text(rendered[kind], 1)
    text = " ".join(lines)
    assert ISSUER in text and "2026年3月9日" in text
    # each 隐患编号 on one line (layout 1 wrapped "YH2026-/000001" at its hyphen)
    assert all(any(f"YH2026-{n:06d}" in line for line in lines) for n in (1, 2, 3)), lines


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


PAGE_NUMBER = re.compile(r"—\d+—")
TYPE_AREA_BOTTOM_PT = (297 - 35) / 25.4 * 72  # 742.7 pt from the top of the page


def imprint_bottom(pdf: Path, number: int) -> float:
    """How far down page ``number`` the lowest word of the 版记 line 印发机关/印发日期 stands, in points."""
    out = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), "-bbox", str(pdf), "-"],
                         check=True, capture_output=True, text=True).stdout
    words = re.findall(r'yMax="([\d.]+)">([^<]*)<', out)
    return max(float(y) for y, word in words if "印发" in word)


def notice_pages(pdf: Path) -> list[dict]:
    """Each page: its text lines, page number, and whether it holds the signature or the 版记."""
    result = []
    for number in range(1, len(pages(pdf)) + 1):
        lines = page_text(pdf, number)
        text = "".join(lines)
        result.append({"lines": lines, "numbered": any(PAGE_NUMBER.fullmatch(line) for line in lines),
                       "imprint": "2026年4月8日印发" in text, "signature": "2026年4月8日" in text.replace("2026年4月8日印发", "")})
    return result


def test_a_one_page_notice_has_its_imprint_alone_at_the_foot_of_page_two(rendered):
    pdf = rendered["notice01"]
    sheet = notice_pages(pdf)
    assert len(sheet) == 2
    assert sheet[0]["signature"] and sheet[0]["numbered"] and not sheet[0]["imprint"]
    assert sheet[1]["imprint"] and not sheet[1]["numbered"] and not sheet[1]["signature"]
    assert [line for line in sheet[1]["lines"] if "抄送" not in line and "印发" not in line] == ["委督查室，区效能办。"]
    assert TYPE_AREA_BOTTOM_PT - 30 < imprint_bottom(pdf, 2) <= TYPE_AREA_BOTTOM_PT + 2


def test_a_two_page_notice_with_room_has_its_imprint_under_the_body_on_page_two(rendered):
    pdf = rendered["notice05"]
    sheet = notice_pages(pdf)
    assert len(sheet) == 2
    assert sheet[1]["signature"] and sheet[1]["imprint"] and sheet[1]["numbered"]
    assert not sheet[0]["imprint"]
    assert TYPE_AREA_BOTTOM_PT - 30 < imprint_bottom(pdf, 2) <= TYPE_AREA_BOTTOM_PT + 2


def test_a_notice_filling_page_two_leaves_page_three_blank_and_puts_the_imprint_on_page_four(rendered):
    pdf = rendered["notice08"]
    sheet = notice_pages(pdf)
    assert len(sheet) == 4
    assert sheet[1]["signature"] and sheet[1]["numbered"] and not sheet[1]["imprint"]
    assert sheet[2]["lines"] == []  # blank, no page number
    assert sheet[3]["imprint"] and not sheet[3]["numbered"] and not sheet[3]["signature"]
    assert TYPE_AREA_BOTTOM_PT - 30 < imprint_bottom(pdf, 4) <= TYPE_AREA_BOTTOM_PT + 2


@pytest.mark.parametrize("paragraphs", NOTICE_LENGTHS)
def test_the_imprint_is_always_on_the_last_page_and_an_even_one(rendered, paragraphs):
    """Every length from a one-page body to a three-page one: the 版记 stands once, on the last
    page, which is even; it shares a page with the body only where the body ends, and a page
    that holds only the 版记 (or nothing) carries no page number."""
    sheet = notice_pages(rendered[f"notice{paragraphs:02d}"])
    holding = [n for n, page in enumerate(sheet, start=1) if page["imprint"]]
    assert holding == [len(sheet)] and len(sheet) % 2 == 0
    ends = max(n for n, page in enumerate(sheet, start=1) if page["signature"])
    assert ends in (len(sheet), len(sheet) - 1, len(sheet) - 2)
    for n, page in enumerate(sheet, start=1):
        assert page["numbered"] == (n <= ends), (n, page["lines"])
    if ends % 2 == 1:  # an odd last page of the body: the 版记 on the very next page
        assert len(sheet) == ends + 1
    assert len(sheet) == ends or not [p for p in sheet[ends:-1] if p["lines"]], "only blank pages between"
    assert NOTICE_OFFICE in "".join(sheet[ends - 1]["lines"])
