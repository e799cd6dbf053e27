"""Forms of the school's provincial pages. They only shape input: every rule (required fields,
dates, quotas, deadlines, score maxima) is the shared services', whose refusals land beside the
fields (web.base.call_service)."""
from django import forms

from shared.circulars.models import ItemReport
from web.forms import PageForm

GENDERS = [("", "请选择"), ("male", "男"), ("female", "女")]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class NominationForm(PageForm):
    nominee_name = forms.CharField(label="姓名", required=False, strip=False, max_length=50)
    gender = forms.ChoiceField(label="性别", required=False, choices=GENDERS)
    birth_date = forms.DateField(label="出生日期", required=False, widget=DateInput())
    title = forms.CharField(label="职称", required=False, max_length=50)
    post = forms.CharField(label="职务", required=False, max_length=100)
    deeds = forms.CharField(label="事迹材料", required=False, strip=False,
                            widget=forms.Textarea(attrs={"rows": 8}),
                            help_text="主要事迹的文字概述；证明材料可在推荐提交后上传。")


class UploadForm(PageForm):
    file = forms.FileField(label="附件", required=False,
                           help_text="文档、表格、演示文稿、PDF、图片、压缩包或视频，单个不超过 20 MB。")


class ItemReportForm(PageForm):
    status = forms.ChoiceField(label="进展", required=False, choices=ItemReport.Status.choices)
    text = forms.CharField(label="落实情况", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="已完成的要点必须填写。")
