import datetime

from django.core.management.base import BaseCommand, CommandError

from workflows.hazards.reminders import send_reminders


class Command(BaseCommand):
    help = "每日运行：对临近或超过整改时限的隐患发出提醒单，并标记逾期隐患待挂牌督办（可重复运行，不会重复发单）。"

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按此日期计算（YYYY-MM-DD），默认今天")
        parser.add_argument("--days", type=int, default=3, help="提前几天提醒（默认 3）")

    def handle(self, *args, **options):
        today = None
        if options["today"]:
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("--today 须为 YYYY-MM-DD 格式的日期")
        run = send_reminders(today=today, days=options["days"])
        for order in run.orders:
            self.stdout.write(f"发出 {order.number} → {order.recipient_name}")
        self.stdout.write(self.style.SUCCESS(
            f"发出提醒单 {len(run.orders)} 份，涉及隐患 {run.reminded_hazards} 条；标记待督办 {run.flagged_hazards} 条"))
