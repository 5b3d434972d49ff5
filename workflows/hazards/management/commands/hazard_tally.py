from django.core.management.base import BaseCommand, CommandError

from workflows.hazards import models_tally


class Command(BaseCommand):
    help = "核对或重算仪表盘的隐患计数（hazards.HazardTally）：--check 与隐患表逐项比对，不一致时退出码 1；--rebuild 从隐患表重算。"

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--check", action="store_true", help="只核对，不修改")
        group.add_argument("--rebuild", action="store_true", help="从隐患表重算全部计数")

    def handle(self, *args, check=False, rebuild=False, **options):
        if rebuild:
            rows = models_tally.rebuild()
            self.stdout.write(f"已重算隐患计数：{rows:,} 行")
            return
        wrong = models_tally.mismatches()
        if wrong:
            for key, (stored, live) in sorted(wrong.items())[:20]:
                self.stderr.write(f"不一致 {key}：计数表 {stored}，隐患表 {live}")
            raise CommandError(f"隐患计数有 {len(wrong)} 项与隐患表不一致；运行 manage.py hazard_tally --rebuild 重算")
        self.stdout.write(f"隐患计数与隐患表一致（{sum(models_tally.stored_counts().values()):,} 条隐患）")
