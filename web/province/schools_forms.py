"""Forms of the provincial schools pages. They only shape input: the rules (slug, name, kind,
reasons) are tenants/services.py's, whose refusals appear beside these fields."""
from django import forms

from tenants.models import School
from web.forms import PageForm


class ProvisionForm(PageForm):
    name = forms.CharField(label="学校名称", required=False, strip=False,
                           widget=forms.TextInput(attrs={"placeholder": "例如：南宁师范大学"}))
    slug = forms.CharField(label="站点标识", required=False,
                           help_text="学校站点的地址前缀：小写字母、数字和连字符，2 到 40 个字符，例如 nnnu。开通后不能修改。",
                           widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off",
                                                         "spellcheck": "false"}))
    short_name = forms.CharField(label="简称", required=False)
    kind = forms.ChoiceField(label="学校类型", required=False, choices=School.Kind.choices,
                             initial=School.Kind.UNDERGRADUATE)
    region = forms.CharField(label="地区", required=False)
    contact_name = forms.CharField(label="联系人", required=False)
    contact_phone = forms.CharField(label="联系电话", required=False)
    admin_username = forms.CharField(label="首个管理员用户名", required=False, initial="admin",
                                     help_text="该校工会管理员的登录名；密码由系统随机生成，开通后只显示一次。")

    def fields_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data["kind"] = data["kind"] or School.Kind.UNDERGRADUATE
        data["admin_username"] = data["admin_username"].strip() or "admin"
        return data


class ReasonForm(PageForm):
    """停用 / 恢复 / 归档: the reason, which the lifecycle requires for 停用 and 归档."""

    reason = forms.CharField(label="原因", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 3}))
