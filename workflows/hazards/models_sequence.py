from django.db import models


class Sequence(models.Model):
    """A yearly counter per kind of document. Numbers are never reused."""

    key = models.CharField("序列", max_length=30)
    year = models.PositiveIntegerField("年度")
    last = models.PositiveIntegerField("最后编号", default=0)

    class Meta:
        app_label = "hazards"
        verbose_name = "编号序列"
        verbose_name_plural = "编号序列"
        constraints = [models.UniqueConstraint(fields=["key", "year"], name="sequence_unique_key_year")]

    def __str__(self) -> str:
        return f"{self.key} {self.year}: {self.last}"
