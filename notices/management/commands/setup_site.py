"""Create the public site's page tree and the 通报 moderation workflow (idempotent)."""

from django.core.management.base import BaseCommand

from notices.site_setup import setup_site


class Command(BaseCommand):
    help = "建立网站页面（首页、通报、受理举报）、通报审核流程和页面权限（可重复运行）"

    def handle(self, *args, **options):
        report = setup_site()
        if report.created:
            for line in report.created:
                self.stdout.write(f"新建 {line}")
        else:
            self.stdout.write("网站页面与审核流程已就绪，无需变更")
