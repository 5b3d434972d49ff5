from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from workflows.hazards.demo import load_loop_demo


class Command(BaseCommand):
    help = "载入演示隐患（登记、交办、整改、复核、销号、逾期、督办各状态），需先运行 load_demo。生产环境拒绝运行。"

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE.endswith("production"):
            raise CommandError("生产环境不允许载入演示数据")
        count = load_loop_demo()
        self.stdout.write(f"新增演示隐患 {count} 条" if count else "演示隐患已存在（或缺少演示账号），未做更改。")
