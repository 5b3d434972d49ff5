"""年度目标责任考核: the scheme the office configures in the admin (weights, pass line).

The figures themselves are never stored: ``workflows.assessment.selectors`` computes them
from the inspections, reports, hazards and 三单 each time, so a score always matches the
records behind it.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from cms.audit.models import audited_history


def _points(label: str, default: int, help_text: str) -> models.DecimalField:
    return models.DecimalField(label, max_digits=6, decimal_places=2, default=Decimal(default),
                               validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1000))],
                               help_text=help_text)


class AssessmentScheme(models.Model):
    """One year's scoring rules. Each indicator has a weight (its full points)."""

    year = models.PositiveIntegerField("考核年度", unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    name = models.CharField("方案名称", max_length=100, default="安全生产常态化督导检查年度目标责任考核")

    weight_inspection_months = _points("月度督导检查（分值）", 20, "按“开展督导检查的月份数 ÷ 考核月份数”折算得分")
    weight_reports = _points("月报按时报送（分值）", 15, "按“按时月报 + 逾期月报 × 逾期得分比例”÷ 应报月数折算")
    late_report_credit = models.PositiveSmallIntegerField("逾期报送得分比例（%）", default=50,
                                                          validators=[MaxValueValidator(100)],
                                                          help_text="逾期报送的月报按此比例计分；未报不得分")
    weight_hazards_found = _points("隐患排查（分值）", 15, "按“发现隐患数 ÷ 目标数”折算，达到目标得满分")
    hazards_found_target = models.PositiveIntegerField("全年发现隐患目标数（项）", default=12,
                                                       help_text="按考核区间的月份数等比例折算")
    weight_rectified_on_time = _points("按期整改（分值）", 20, "按“按期整改隐患数 ÷ 已到整改时限的隐患数”折算；无到期隐患得满分")
    weight_overdue = _points("逾期未整改（分值）", 10, "满分起扣：每项逾期未整改隐患扣“每项扣分”，扣完为止")
    overdue_penalty = models.DecimalField("每项逾期扣分", max_digits=6, decimal_places=2, default=Decimal(1),
                                          validators=[MinValueValidator(Decimal(0))])
    weight_major_closed = _points("重大隐患销号（分值）", 10, "按“已销号重大隐患 ÷ 重大隐患数”折算；无重大隐患得满分")
    weight_orders_on_time = _points("三单按期回复（分值）", 10, "按“按期回复的三单 ÷ 已到期或已回复的三单”折算；无三单得满分")
    pass_line = models.DecimalField("合格线（分）", max_digits=6, decimal_places=2, default=Decimal(60),
                                    validators=[MinValueValidator(Decimal(0))],
                                    help_text="总分低于合格线的单位列入报送督查、效能名单（五（五））")
    note = models.TextField("说明", blank=True, max_length=2000)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = audited_history()

    WEIGHT_FIELDS = ("weight_inspection_months", "weight_reports", "weight_hazards_found", "weight_rectified_on_time",
                     "weight_overdue", "weight_major_closed", "weight_orders_on_time")

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年度 {self.name}"

    @property
    def full_marks(self) -> Decimal:
        return sum((getattr(self, f) or Decimal(0) for f in self.WEIGHT_FIELDS), Decimal(0))

    def clean(self):
        if self.pass_line is not None and self.pass_line > self.full_marks:
            raise ValidationError({"pass_line": f"合格线不能高于满分（{self.full_marks}分）"})
