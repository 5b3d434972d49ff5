from django.core.management.base import BaseCommand

from workflows.inspections.services import ensure_standing_groups, sync_special_groups


class Command(BaseCommand):
    help = "按“专项督导属地分工”同步专项督导检查组，并建立综合、行业督导检查组（可重复运行）。"

    def handle(self, *args, **options):
        special = sync_special_groups()
        standing = ensure_standing_groups()
        self.stdout.write("专项督导检查组：" + "，".join(f"{k} {v}" for k, v in special.items()))
        self.stdout.write("综合、行业督导检查组新建：" + "，".join(f"{k} {v}" for k, v in standing.items()))
