import contextvars

from django import forms
from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from tenants.accounts.models import User
from tenants.accounts.roles import Role, roles_of_this_host
from tenants.accounts.services import user_create, user_set_password, user_update
from tenants.admin_sites import ServiceAdmin, ServiceModelForm, register_on_both

# Django's password view builds its form without the request; the form needs the acting admin for
# the audit record. A context variable (not an attribute of the shared ModelAdmin) keeps concurrent
# requests apart.
_acting_admin = contextvars.ContextVar("acting_admin", default=None)


def host_role_choices():
    return [(role, Role(role).label) for role in Role.values if role in roles_of_this_host()]


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(label="角色", required=False, **kwargs)


class UserAddForm(ServiceModelForm):
    service_field_names = {"password": "password1"}
    roles = RolesField()
    password1 = forms.CharField(label="密码", strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label="确认密码", strip=False, widget=forms.PasswordInput,
                                help_text="再输入一次同样的密码。")

    class Meta:
        model = User
        fields = ["username", "full_name", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = host_role_choices()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password2") and cleaned["password1"] != cleaned["password2"]:
            self.add_error("password2", "两次输入的密码不一致。")
        return cleaned


class UserChangeForm(ServiceModelForm, auth_forms.UserChangeForm):
    roles = RolesField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = host_role_choices()


class PasswordChangeForm(auth_forms.AdminPasswordChangeForm):
    # Django's own warning here is not marked for translation.
    usable_password_help_text = (
        "是否允许该用户使用密码登录。停用后，该用户只能通过其他方式登录（如果已配置）。"
        '<ul id="id_unusable_warning" class="messagelist"><li class="warning">'
        "停用后，该用户当前的密码将失效。</li></ul>")

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        if "usable_password" in self.fields:
            self.fields["usable_password"].help_text = self.usable_password_help_text

    def save(self, commit=True):
        keep_login = self.cleaned_data.get("set_usable_password", True)
        password = self.cleaned_data.get("password1") if keep_login else None
        return user_set_password(user=self.user, by=_acting_admin.get(), password=password)


class UserAdmin(ServiceAdmin, DjangoUserAdmin):
    """Accounts are created and changed through the account services: roles are checked against the
    host, ``is_staff`` follows the roles, nobody is made superuser, and every change is audited."""

    form = UserChangeForm
    add_form = UserAddForm
    change_password_form = PasswordChangeForm
    list_display = ["username", "full_name", "role_list", "is_active", "last_login"]
    list_filter = ["is_active", "is_staff"]
    search_fields = ["username", "full_name"]
    readonly_fields = ["username", "last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("full_name", "phone", "email")}),
        ("角色", {"fields": ("roles", "is_active")}),
        ("时间", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",),
                             "fields": ("username", "full_name", "phone", "roles", "password1", "password2")}),)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def create(self, request, data):
        user, _ = user_create(username=data["username"], roles=data["roles"], by=request.user,
                              password=data["password1"], full_name=data["full_name"], phone=data["phone"])
        return user

    def update(self, request, obj, data):
        return user_update(user=obj, by=request.user, full_name=data["full_name"], phone=data["phone"],
                           email=data["email"], is_active=data["is_active"], roles=data["roles"])

    def user_change_password(self, request, id, form_url=""):
        token = _acting_admin.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _acting_admin.reset(token)

    # Accounts are deactivated, never deleted: audit records and workflow history keep their
    # authors, and a provincial account's relations reach school-only tables that public lacks.
    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="角色")
    def role_list(self, obj):
        return "、".join(obj.role_labels())


register_on_both(User, UserAdmin)
