"""Two Django admin sites: the province's models on the provincial host, a school's on its host.

Every registered model is either read-only here (ReadOnlyAdmin) or written through its services
(ServiceAdmin): the admin is one more caller of the rules and the audit the API goes through, never a
second copy of them.
"""
from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from tenants.accounts.forms import GuardedAuthenticationForm
from tenants.accounts.roles import Role
from tenants.errors import DomainError
from tenants.text import RefuseControlCharacters, ascii_int


class HostAdminSite(admin.AdminSite):
    login_form = GuardedAuthenticationForm
    admin_role = ""

    def has_permission(self, request):
        # The host's admin role, not the superuser flag: an account's powers here are its role's.
        user = request.user
        return bool(user.is_active and user.is_authenticated and user.is_staff
                    and user.has_role(self.admin_role))


class ProvinceAdminSite(HostAdminSite):
    site_header = "教育工会云 · 省教育工会管理后台"
    site_title = "省教育工会管理后台"
    index_title = "管理首页"
    admin_role = Role.PROVINCE_ADMIN


class SchoolAdminSite(HostAdminSite):
    site_header = "教育工会云 · 学校工会管理后台"
    site_title = "学校工会管理后台"
    index_title = "管理首页"
    admin_role = Role.UNION_ADMIN


province_admin_site = ProvinceAdminSite(name="province_admin")
school_admin_site = SchoolAdminSite(name="school_admin")


class SchoolFilter(admin.RelatedFieldListFilter):
    """The sidebar's "by school" filter for a province of thousands of schools.

    Django's related filter renders a link for every school on every page view (5,000 rows read
    and rendered). This one lists the schools only while there are at most ``max_choices``;
    beyond that it offers "all" and the school already chosen (from a link, or narrowed with the
    search box, which searches the school's name) — the filtering itself is unchanged.
    """

    max_choices = 30

    def field_choices(self, field, request, model_admin):
        schools = field.remote_field.model._default_manager
        if schools.count() <= self.max_choices:
            return super().field_choices(field, request, model_admin)
        chosen = self.lookup_val[-1] if isinstance(self.lookup_val, list) and self.lookup_val else self.lookup_val
        chosen = ascii_int(chosen, max_digits=18)
        if chosen is None:
            return []
        return [(school.pk, str(school)) for school in schools.filter(pk=chosen)]

    def has_output(self):
        return True  # "all" and the chosen school: the filter stays in force with no list


def register_on_both(model, admin_class):
    province_admin_site.register(model, admin_class)
    school_admin_site.register(model, admin_class)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records whose state belongs to a workflow or the platform: the admin shows and searches,
    the API acts (audited)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceModelForm(RefuseControlCharacters, forms.ModelForm):
    """A form whose saving is the service call.

    The call is made as the last step of validation, so whatever the service refuses
    (ValidationError, Conflict, NotAllowed …) comes back as errors beside the fields it names and
    the page is shown again, as with any invalid input. The model's own validation and uniqueness
    checks are skipped: the service holds those rules and words them for people.
    """

    service_admin = None     # set on the per-request subclass made by ServiceAdmin.get_form
    service_request = None
    # The service's name for a field → the form's, where they differ (password → password1).
    service_field_names: dict[str, str] = {}

    def _post_clean(self):
        if self.errors:
            return
        existing = self.instance if self.instance.pk else None
        try:
            # A savepoint: a service that fails half-way leaves nothing behind.
            with transaction.atomic():
                if existing is None:
                    self.instance = self.service_admin.create(self.service_request, self.cleaned_data)
                else:
                    self.instance = self.service_admin.update(self.service_request, existing, self.cleaned_data)
        except ValidationError as exc:
            self._add_service_errors(exc)
        except DomainError as exc:
            self._add_service_errors(ValidationError({exc.field or NON_FIELD_ERRORS: exc.message}))

    def _add_service_errors(self, exc: ValidationError):
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for field, messages in exc.message_dict.items():
            field = self.service_field_names.get(field, field)
            if field in self.fields:
                self.add_error(field, messages)
            elif field == NON_FIELD_ERRORS:
                self.add_error(None, messages)
            else:  # a field the page does not show: name it in the message above the form
                label = self._field_label(field)
                self.add_error(None, [f"{label}：{message}" for message in messages])

    def _field_label(self, name: str) -> str:
        try:
            return str(self._meta.model._meta.get_field(name).verbose_name)
        except Exception:
            return name


class ServiceAdmin(admin.ModelAdmin):
    """Adding and changing call the area's services (which check and audit); nothing is deleted here.

    A subclass defines ``create(request, data)`` and/or ``update(request, obj, data)``, each returning
    the saved object; without one the admin offers no add (or no change) page. ``data`` is the form's
    cleaned data. Inlines on these pages must be read-only: only the main form is saved.
    """

    form = ServiceModelForm
    save_as = False

    def create(self, request, data):
        raise NotImplementedError

    def update(self, request, obj, data):
        raise NotImplementedError

    def _defines(self, name: str) -> bool:
        return getattr(type(self), name) is not getattr(ServiceAdmin, name)

    def has_add_permission(self, request):
        return self._defines("create") and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._defines("update") and super().has_change_permission(request, obj)

    # Records are deactivated or moved through their workflow, never deleted from the admin.
    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"service_admin": self, "service_request": request})

    # The service has already saved (and audited) the object during validation.
    def save_form(self, request, form, change):
        return form.instance

    def save_model(self, request, obj, form, change):
        pass

    def save_related(self, request, form, formsets, change):
        # Inlines here are view-only, so there is nothing of theirs to save; the change message
        # Django writes next still asks each formset what it saved.
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
