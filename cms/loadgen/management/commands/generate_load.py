import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from cms.loadgen.generator import SCALES, LoadGenerator


class Command(BaseCommand):
    help = (
        "生成规模测试数据：区级（district，约 5,000 个监管对象、50,000 条隐患）、市级（city，约 5 倍）、"
        "省级（province，约 200,000 个监管对象、2,000,000 条隐患，仅 PostgreSQL）。含完整闭环历史并入审计链；"
        "可随时中断，重新运行从断点继续，不会重复。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", required=True, choices=list(SCALES), metavar="{district,city,province}",
                            help="数据规模：district 区级、city 市级、province 省级")
        parser.add_argument("--seed", type=int, default=2023, help="随机种子（默认 2023）；同一种子生成的数据完全相同")

    def handle(self, *args, scale, seed, **options):
        if scale == "province" and connection.vendor != "postgresql":
            raise CommandError("省级规模（约 200 万条隐患及其历史）只支持 PostgreSQL，请设置 DATABASE_URL=postgres://… 后再运行；SQLite 请用 district 或 city。")
        generator = LoadGenerator(scale=scale, seed=seed, write=self.stdout.write)
        started = time.perf_counter()
        try:
            result = generator.run()
        except KeyboardInterrupt:
            self.stderr.write(f"已中断（{time.perf_counter() - started:.0f} 秒）：已完成的批次已保存，未完成的批次已回滚；重新运行同一命令即从断点继续。")
            raise SystemExit(130) from None
        rate = result["rows"] / result["total_s"] if result["total_s"] else 0
        self.stdout.write(self.style.SUCCESS(
            f"完成：写入 {result['rows']:,} 行，用时 {result['total_s']:.1f} 秒（名录与用户 {result['reference_s']:.1f} 秒，"
            f"监管对象 {result['targets_s']:.1f} 秒，隐患 {result['hazards_s']:.1f} 秒），平均 {rate:,.0f} 行/秒"
        ))
