"""The small forms behind each button of the hazard and 三单 detail pages. Each maps onto one
service's keyword arguments; the service does every check."""

from __future__ import annotations

from django import forms

from cms.directory.models import Department, Jurisdiction
from cms.forms import TextForm

from .models import Hazard, HazardAction, HazardPlan
from .models_orders import OrderAction

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class ActionForm(TextForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label="原因/说明", max_length=500, required=False, widget=forms.TextInput)


class AssignForm(ActionForm):
    responsible_kind = forms.ChoiceField(label="责任主体类型", choices=Hazard.ResponsibleKind.choices)
    responsible_department = forms.ModelChoiceField(label="责任单位", queryset=Department.objects.filter(is_active=True), required=False)
    responsible_jurisdiction = forms.ModelChoiceField(label="责任属地", queryset=Jurisdiction.objects.filter(is_active=True), required=False)
    responsible_person = forms.CharField(label="责任人", max_length=50)
    deadline = forms.DateField(label="整改时限", widget=DATE)
    issue_order = forms.BooleanField(label="同时发出工作交办单", required=False, initial=True)


class PlanForm(ActionForm):
    measures = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label="整改时限", widget=DATE)
    responsible_person = forms.CharField(label="整改责任人", max_length=50)
    funds = forms.CharField(label="整改资金", max_length=200, required=False)
    interim_measures = forms.CharField(label="整改期间安全防范措施", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, major: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if major:
            for name in HazardPlan.MAJOR_FIELDS:
                # 重大隐患: all six parts of the 治理方案 (the service checks them too)
                self.fields[name] = forms.CharField(label=HazardPlan._meta.get_field(name).verbose_name,
                                                    widget=forms.Textarea(attrs={"rows": 2}), required=True)


class EvidenceForm(ActionForm):
    text = forms.CharField(label="整改情况", widget=forms.Textarea(attrs={"rows": 3}))
    # photos: read from request.FILES.getlist("photos") (several files)


class RejectForm(ActionForm):
    reason = forms.CharField(label="退回原因", max_length=500, widget=forms.TextInput)


class SuperviseForm(ActionForm):
    due_date = forms.DateField(label="督办时限", widget=DATE, required=False)


HAZARD_FORMS: dict[str, type[ActionForm]] = {
    HazardAction.ASSIGN: AssignForm,
    HazardAction.PLAN: PlanForm,
    HazardAction.SUBMIT: EvidenceForm,
    HazardAction.FIX_ON_SPOT: EvidenceForm,
    HazardAction.VERIFY: ActionForm,
    HazardAction.REJECT: RejectForm,
    HazardAction.SUPERVISE: SuperviseForm,
}


class AnswerForm(ActionForm):
    reply = forms.CharField(label="回复内容", widget=forms.Textarea(attrs={"rows": 3}))


ORDER_FORMS: dict[str, type[ActionForm]] = {
    OrderAction.ACKNOWLEDGE: ActionForm,
    OrderAction.ANSWER: AnswerForm,
    OrderAction.CLOSE: ActionForm,
}
