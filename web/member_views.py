from tenants.members.models import Branch, Member
from tenants.members.selectors import members_search, members_visible_to
from tenants.personal_data import mask_phone
from web.base import SchoolPage
from web.tables import Column, Filter, Table


class MemberList(SchoolPage):
    """Everyone may open it; members_visible_to decides whom they see (a member: themselves)."""

    template_name = "web/members.html"
    title = "会员"

    def get(self, request):
        table = Table(request, id="members", columns=[
            Column("name", "姓名", sort="name"),
            Column("employee_number", "工号", sort="employee_number"),
            Column("branch.name", "分工会"),
            Column("get_employment_type_display", "用工类型"),
            Column("status", "状态", badge=True),
            Column("masked_phone", "手机号"),
            Column("id_number_masked", "身份证号"),
        ], filters=[
            Filter("q", "搜索", placeholder="姓名、工号或拼音首字母（如 zs）"),
            Filter("branch", "分工会", choices=[(b.pk, b.name) for b in Branch.objects.all()]),
            Filter("status", "状态", choices=Member.Status.choices),
        ], per_page=50, empty_text="没有符合条件的会员。")
        branch = table.values["branch"]
        members = members_search(query=table.values["q"], branch=int(branch) if branch else None,
                                 status=table.values["status"] or None)
        page = table.paginate(members & members_visible_to(request.user))
        for member in page:
            member.masked_phone = mask_phone(member.phone)
        return self.render_page(table=table)
