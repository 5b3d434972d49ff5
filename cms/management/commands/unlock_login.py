from django.core.management.base import BaseCommand, CommandError

from cms.errors import ServiceError
from cms.security import login_unlock


class Command(BaseCommand):
    help = "解除某个用户（及可选的某个地址）的登录锁定，并在其用户单位记录中留下变更历史。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument("--reason", required=True, help="解除锁定的原因（记入变更历史）")
        parser.add_argument("--address", help="同时解除该 IP 地址的锁定")

    def handle(self, *args, username, reason, address=None, **options):
        try:
            login_unlock(actor=None, username=username, reason=reason, address=address)
        except ServiceError as exc:
            details = "；".join(m for messages in exc.fields.values() for m in messages)
            raise CommandError(f"{exc.message}：{details}" if details else exc.message) from exc
        self.stdout.write(f"已解除 {username} 的登录锁定" + (f"及地址 {address} 的锁定" if address else ""))
