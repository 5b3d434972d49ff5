from django.core.management.base import BaseCommand

from cms.directory.services import load_reference_data
from cms.roles import ensure_role_groups


class Command(BaseCommand):
    help = "载入荔安办〔2023〕95号确定的名录（单位、属地、行业领域、专项分工、类别）与角色；可重复运行。"

    def handle(self, *args, **options):
        ensure_role_groups()
        report = load_reference_data()
        if report.total == 0:
            self.stdout.write("名录已完整，未做任何更改。")
        else:
            for label, count in report.created.items():
                self.stdout.write(f"新增{label} {count} 条")
