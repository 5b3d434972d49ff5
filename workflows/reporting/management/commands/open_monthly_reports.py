"""Run on the 1st (cron): open last month's report drafts, prefilled from the data. Idempotent."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from workflows.reporting.services import reports_open


class Command(BaseCommand):
    help = "为各区直单位和专项督导组生成上月《督导检查情况》草稿（可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--month", help="报告月份 YYYY-MM，默认上个月")

    def handle(self, *args, month=None, **options):
        target = None
        if month:
            try:
                target = datetime.datetime.strptime(month, "%Y-%m").date()
            except ValueError as exc:
                raise CommandError("月份格式应为 YYYY-MM，例如 2026-10") from exc
        result = reports_open(actor=None, reason="定时任务：生成月报草稿", month=target)
        self.stdout.write(f"{result.month:%Y年%m月}：新建 {len(result.created)} 份，已存在 {result.existing} 份；"
                          f"报送期限 {result.created[0].deadline if result.created else '—'}")
