"""The directory of the notice: departments, jurisdictions and villages, sectors, special
group assignments, experts, supervised targets and their category tags, user profiles."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from cms.audit.models import audited_history
from cms.roles import Role, role_of


class WholeValueRegexValidator(RegexValidator):
    """The pattern must match the whole value: Python's ``$`` also matches before a final newline,
    which the same pattern in the API schema (ECMA) does not admit."""

    def __call__(self, value):
        if not self.regex.fullmatch(str(value)):
            raise ValidationError(self.message, code=self.code, params={"value": value})


# A telephone or mobile number: 5–20 digits, optionally grouped by a hyphen, a space or brackets
# (0594-2281234, (0594) 2281234, +86 138 0000 0000); at least one digit in every group, no leading
# or trailing blank (the API keeps the value as sent, so the schema's pattern is the whole rule).
phone_validator = WholeValueRegexValidator(r"^[+(]?[0-9](?:[-() ]{0,2}[0-9]){4,19}\)?$", "请输入有效的电话号码（5–20 位数字，可用“-”、空格或括号分隔）")
credit_code_validator = WholeValueRegexValidator(
    r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$",
    "统一社会信用代码应为 18 位（数字或大写字母，不含 I、O、Z、S、V）",
)


class Department(models.Model):
    class Kind(models.TextChoices):
        OFFICE = "office", "区安办"
        DEPARTMENT = "department", "区直单位"
        OVERSIGHT = "oversight", "督查效能"

    name = models.CharField("单位名称", max_length=50, unique=True)
    short_name = models.CharField("简称", max_length=30, unique=True)
    code = models.SlugField("代码", max_length=40, unique=True)
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    sort_order = models.PositiveIntegerField("排序", default=0)
    contact_person = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True, validators=[phone_validator])
    is_active = models.BooleanField("启用", default=True)
    note = models.TextField("备注", blank=True, max_length=2000)

    history = audited_history()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Jurisdiction(models.Model):
    class Kind(models.TextChoices):
        STREET = "street", "街道"
        TOWN = "town", "镇"
        PARK = "park", "工业园区"

    name = models.CharField("属地名称", max_length=50, unique=True)
    code = models.SlugField("代码", max_length=40, unique=True)
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    sort_order = models.PositiveIntegerField("排序", default=0)
    contact_person = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True, validators=[phone_validator])
    is_active = models.BooleanField("启用", default=True)

    history = audited_history()

    class Meta:
        verbose_name = "属地（镇街、工业园区）"
        verbose_name_plural = "属地（镇街、工业园区）"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    class Kind(models.TextChoices):
        VILLAGE = "village", "村"
        COMMUNITY = "community", "社区"

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="villages", verbose_name="所属属地")
    name = models.CharField("村居名称", max_length=50)
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.VILLAGE)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    history = audited_history()

    class Meta:
        verbose_name = "村居"
        verbose_name_plural = "村居"
        ordering = ["jurisdiction__sort_order", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "name"], name="village_unique_in_jurisdiction",
                                    violation_error_message="该属地下已有同名村居"),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction.name}{self.name}"

    @staticmethod
    def scope_q(scope) -> Q:
        if scope.jurisdiction_ids:
            return Q(jurisdiction_id__in=scope.jurisdiction_ids)
        return Q()


class Sector(models.Model):
    name = models.CharField("行业领域", max_length=50, unique=True)
    code = models.SlugField("代码", max_length=40, unique=True)
    is_key = models.BooleanField("重点行业领域", default=False, help_text="二、督查范围所列重点聚焦的行业领域")
    lead_departments = models.ManyToManyField(Department, related_name="led_sectors", verbose_name="牵头（主管）单位", blank=True)
    description = models.TextField("监管内容", blank=True, max_length=2000)
    major_hazard_standard = models.CharField("重大事故隐患判定标准", max_length=200, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    history = audited_history(m2m_fields=[lead_departments])

    class Meta:
        verbose_name = "行业领域"
        verbose_name_plural = "行业领域"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name

    def lead_department_names(self) -> str:
        return "、".join(d.name for d in self.lead_departments.all())


class SpecialAssignment(models.Model):
    """三（一）: which department's special group supervises which jurisdiction."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="special_assignments", verbose_name="牵头单位")
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="special_assignments", verbose_name="督导属地")
    note = models.CharField("备注", max_length=200, blank=True)
    is_active = models.BooleanField("启用", default=True)

    history = audited_history()

    class Meta:
        verbose_name = "专项督导属地分工"
        verbose_name_plural = "专项督导属地分工"
        ordering = ["department__sort_order", "jurisdiction__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["department", "jurisdiction"], name="special_assignment_unique",
                                    violation_error_message="该单位已负责督导此属地"),
        ]

    def __str__(self) -> str:
        return f"{self.department.name} → {self.jurisdiction.name}"

    @staticmethod
    def scope_q(scope) -> Q:
        q = Q(pk__in=[])
        if scope.department_ids:
            q |= Q(department_id__in=scope.department_ids)
        if scope.jurisdiction_ids:
            q |= Q(jurisdiction_id__in=scope.jurisdiction_ids)
        return q


class Expert(models.Model):
    name = models.CharField("姓名", max_length=30)
    organization = models.CharField("工作单位", max_length=100, blank=True)
    title = models.CharField("职称/职务", max_length=50, blank=True)
    specialty = models.CharField("专业特长", max_length=200, blank=True)
    sectors = models.ManyToManyField(Sector, related_name="experts", verbose_name="擅长行业领域", blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True, validators=[phone_validator])
    is_active = models.BooleanField("在库", default=True)
    note = models.TextField("备注", blank=True, max_length=2000)

    history = audited_history(m2m_fields=[sectors])

    class Meta:
        verbose_name = "专家"
        verbose_name_plural = "专家库"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["name", "phone"], name="expert_unique_name_phone",
                                    violation_error_message="专家库中已有同名且同电话的专家"),
        ]

    def __str__(self) -> str:
        return self.name


class TargetCategory(models.Model):
    """Category tags of 二、督查范围 (规下企业, 三场所一企业, 消防重点场所…), two levels."""

    name = models.CharField("类别名称", max_length=50, unique=True)
    code = models.SlugField("代码", max_length=40, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name="上级类别")
    sort_order = models.PositiveIntegerField("排序", default=0)

    history = audited_history()

    class Meta:
        verbose_name = "监管对象类别"
        verbose_name_plural = "监管对象类别"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.parent.name}·{self.name}" if self.parent_id else self.name


class Target(models.Model):
    """监管对象: an enterprise, site, project or venue under supervision."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", "生产经营单位"
        PROJECT = "project", "工程项目现场"
        VENUE = "venue", "宗教民俗场所"
        PUBLIC = "public", "公共场所"
        OTHER = "other", "其他"

    name = models.CharField("名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True, null=True, unique=True,
                                   validators=[credit_code_validator],
                                   error_messages={"unique": "已有监管对象使用该统一社会信用代码"})
    kind = models.CharField("对象类型", max_length=20, choices=Kind.choices, default=Kind.ENTERPRISE)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="targets", verbose_name="属地")
    village = models.ForeignKey(Village, null=True, blank=True, on_delete=models.PROTECT, related_name="targets", verbose_name="村居")
    sectors = models.ManyToManyField(Sector, related_name="targets", verbose_name="行业领域")
    categories = models.ManyToManyField(TargetCategory, related_name="targets", verbose_name="类别标签", blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    contact_person = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True, validators=[phone_validator])
    is_active = models.BooleanField("在管", default=True)
    note = models.TextField("备注", blank=True, max_length=2000)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = audited_history(m2m_fields=[sectors, categories])
    scope_needs_distinct = True

    class Meta:
        verbose_name = "监管对象"
        verbose_name_plural = "监管对象"
        ordering = ["jurisdiction__sort_order", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "name"], name="target_unique_name_in_jurisdiction",
                                    violation_error_message="该属地已有同名监管对象"),
        ]

    def __str__(self) -> str:
        return self.name

    def _no_code_is_null(self) -> None:
        # many targets have no code: stored as NULL, which the unique index admits any number of
        # times ("" would make the second target without a code a duplicate of the first)
        if self.credit_code == "":
            self.credit_code = None

    def clean(self):
        super().clean()
        self._no_code_is_null()

    def save(self, *args, **kwargs):
        self._no_code_is_null()
        super().save(*args, **kwargs)

    def sector_names(self) -> str:
        return "、".join(s.name for s in self.sectors.all())

    def category_names(self) -> str:
        return "、".join(c.name for c in self.categories.all())

    @staticmethod
    def scope_q(scope) -> Q:
        q = Q(pk__in=[])
        if scope.sector_ids:
            q |= Q(sectors__in=scope.sector_ids)
        if scope.jurisdiction_ids:
            q |= Q(jurisdiction_id__in=scope.jurisdiction_ids)
        return q


class UserProfile(models.Model):
    """Ties a user to the unit whose data they work on (and so to their data scope)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile", verbose_name="用户")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="users", verbose_name="所属单位")
    jurisdiction = models.ForeignKey(Jurisdiction, null=True, blank=True, on_delete=models.PROTECT, related_name="users", verbose_name="所属属地")
    phone = models.CharField("手机号", max_length=20, blank=True, validators=[phone_validator])
    title = models.CharField("职务", max_length=50, blank=True)

    history = audited_history()
    # Binding a user to a unit sets what they may see: user management, so the office admin only.
    write_roles = frozenset({Role.OFFICE_ADMIN})

    class Meta:
        verbose_name = "用户单位"
        verbose_name_plural = "用户单位"

    def clean(self) -> None:
        super().clean()
        if not self.user_id:
            return
        role = role_of(self.user)
        if role in (Role.DEPARTMENT, Role.INSPECTOR) and not self.department_id:
            raise ValidationError({"department": f"{role.value}必须绑定所属单位，否则看不到任何数据"})
        if role == Role.JURISDICTION and not self.jurisdiction_id:
            raise ValidationError({"jurisdiction": "属地用户必须绑定所属属地，否则看不到任何数据"})

    @staticmethod
    def scope_q(scope) -> Q:
        q = Q(user_id=scope.user_id)
        if scope.department_ids:
            q |= Q(department_id__in=scope.department_ids)
        if scope.jurisdiction_ids:
            q |= Q(jurisdiction_id__in=scope.jurisdiction_ids)
        return q

    def __str__(self) -> str:
        unit = self.department or self.jurisdiction or "未绑定"
        return f"{self.user.get_full_name() or self.user.get_username()}（{unit}）"

    def unit_name(self) -> str:
        return str(self.department or self.jurisdiction or "")
