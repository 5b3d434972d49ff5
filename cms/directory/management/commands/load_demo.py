from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cms.directory.demo import DEMO_USERS, load_demo


class Command(BaseCommand):
    help = "载入演示数据：各属地、各行业领域的监管对象，以及每种角色的演示账号。生产环境拒绝运行。"

    def add_arguments(self, parser):
        parser.add_argument("--password", default=None, help="演示账号密码；不给则随机生成并打印")

    def handle(self, *args, password, **options):
        if settings.SETTINGS_MODULE.endswith("production") or not (settings.DEBUG or "test" in settings.SETTINGS_MODULE):
            raise CommandError("生产环境不允许载入演示数据")
        counts, password = load_demo(password=password)
        self.stdout.write("新增：" + "，".join(f"{k} {v}" for k, v in counts.items()))
        self.stdout.write(f"演示账号（密码均为 {password}）：")
        for username, role, dept, jur, _display in DEMO_USERS:
            self.stdout.write(f"  {username:<16}{role.value}  {dept or jur or ''}")
