from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from workflows.inspections.demo import load_inspection_demo


class Command(BaseCommand):
    help = "载入督导检查演示数据：同步专项督导检查组，建立综合、行业督导检查组，发布示例检查表（可重复运行）。生产环境拒绝运行。"

    def handle(self, *args, **options):
        if not (settings.DEBUG or "test" in settings.SETTINGS_MODULE):
            raise CommandError("生产环境不允许载入演示数据")
        for line in load_inspection_demo():
            self.stdout.write(line)
