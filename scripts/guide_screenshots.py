"""Screenshots of the 使用指南 (cms/templates/cms/guide/), taken in Debian's chromium against a dev
server with the demo data (``make guide`` starts both). Each is the 1000 px wide viewport,
reduced to 128 colours: a few tens of KB each.

    python scripts/guide_screenshots.py --base http://127.0.0.1:8765 --password <demo password>
"""

from __future__ import annotations

import argparse
import io
import os
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "cms" / "static" / "cms" / "guide"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]


def save(page, name: str) -> None:
    page.wait_for_load_state("networkidle")
    raw = page.screenshot(full_page=False)
    image = Image.open(io.BytesIO(raw)).convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    OUT.mkdir(parents=True, exist_ok=True)
    image.save(OUT / f"{name}.png", optimize=True)
    print(f"{name}.png  {(OUT / f'{name}.png').stat().st_size // 1024} KB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8765")
    parser.add_argument("--password", required=True)
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)

        def login(username: str):
            context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1000, "height": 720})
            page = context.new_page()
            page.goto(f"{args.base}/admin/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", args.password)
            page.click("button[type=submit]")
            page.wait_for_url(f"{args.base}/admin/**")
            return page

        # 单位用户: dashboard, the report filled and previewed, then submitted; a hazard to rectify
        page = login("dept_yjj")
        save(page, "department-dashboard")
        page.click("[data-todo=reports] td a")
        page.click("[data-report-action=edit]")
        page.fill("#id_highlights", "推行“四不两直”暗查暗访，行业督导检查组每周下沉一线。")
        page.fill("#id_problems", "小微企业有限空间作业审批不落实；涉氨制冷企业报警联锁未投用。")
        page.fill("#id_next_steps", "开展有限空间专项整治，对涉氨制冷企业逐家复查。")
        page.get_by_role("button", name="保存").first.click()
        page.wait_for_selector("#report-content")
        save(page, "department-report")
        page.click("[data-report-action=submit]")
        page.get_by_role("button", name="报送", exact=True).click()
        page.wait_for_selector("#report-content")
        page.goto(f"{args.base}/admin/")
        page.click("[data-todo=hazards] td a")
        save(page, "department-hazard")
        page.context.close()

        # 区安办管理员: dashboard with the submitted report, its review page
        page = login("office_admin")
        save(page, "office-dashboard")
        page.click("[data-todo=reports] td a")
        save(page, "office-report")
        page.context.close()

        # 区安办编辑: dashboard, a month-results notice draft in the editor
        page = login("office_editor")
        save(page, "editor-dashboard")
        page.goto(f"{args.base}/admin/notices/month-results/")
        page.get_by_role("button", name="生成通报草稿").click()
        page.wait_for_url("**/pages/*/edit/**")
        save(page, "editor-notice")
        page.context.close()

        page = login("town_gongchen")
        save(page, "jurisdiction-dashboard")
        page.context.close()

        page = login("inspector_yjj")
        save(page, "inspector-dashboard")
        page.goto(f"{args.base}/admin/inspections/fill/")
        save(page, "inspector-fill")
        page.context.close()

        page = login("auditor")
        page.goto(f"{args.base}/admin/audit/")
        save(page, "auditor-audit")
        page.goto(f"{args.base}/admin/snippets/hazards/hazard/")
        page.click("table.listing tbody tr td.title a")
        page.click("text=变更历史")
        save(page, "auditor-history")
        page.context.close()
        browser.close()
    total = sum(f.stat().st_size for f in OUT.glob("*.png"))
    print(f"共 {total // 1024} KB")


if __name__ == "__main__":
    main()
