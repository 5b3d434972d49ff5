import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from cms.roles import Role, ensure_role_groups

CREDENTIALS = Path(settings.BASE_DIR) / ".admin-credentials"


class Command(BaseCommand):
    help = "确保存在区安办管理员账号 admin，并打印其登录信息。"

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--password", default=None)

    def handle(self, *args, username, password, **options):
        ensure_role_groups()
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        stored = CREDENTIALS.read_text().strip() if CREDENTIALS.exists() else None
        if user is None or password or not stored or not user.check_password(stored):
            password = password or secrets.token_urlsafe(9)
            if user is None:
                user = User(username=username, is_staff=True, is_superuser=True, first_name="区安办管理员")
            user.set_password(password)
            user.save()
            CREDENTIALS.write_text(password)
            CREDENTIALS.chmod(0o600)
        else:
            password = stored
        user.groups.add(Group.objects.get(name=Role.OFFICE_ADMIN.value))
        self.stdout.write(self.style.SUCCESS(
            f"\n管理后台： {settings.WAGTAILADMIN_BASE_URL}/admin/\n用户名： {username}\n密码： {password}\n"
        ))
