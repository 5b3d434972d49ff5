from django.core.management.base import BaseCommand, CommandError

from cms.audit import chain


class Command(BaseCommand):
    help = "逐行复核全部审计历史的摘要链，报告第一处被篡改、插入或删除的行。"

    def handle(self, *args, **options):
        problems = []
        total = 0
        for model in chain.history_models():
            count = model._default_manager.count()
            total += count
            problem = chain.verify_model(model)
            if problem:
                problems.append(problem)
                self.stderr.write(f"✗ {problem}")
            else:
                self.stdout.write(f"✓ {chain.table_of(model)}：{count} 行完好")
        if problems:
            raise CommandError(f"审计链校验失败：{len(problems)} 张历史表有问题")
        self.stdout.write(self.style.SUCCESS(f"审计链完好：共 {total} 行"))
