from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from tenants.members.models import Branch, Member
from tenants.members.selectors import members_search, members_visible_to
from tenants.personal_data import mask_phone


@login_required
def member_list(request):
    query = request.GET.get("q", "")
    branch = request.GET.get("branch", "")
    status = request.GET.get("status", "")
    members = members_search(query=query, branch=int(branch) if branch.isascii() and branch.isdigit() else None, status=status or None)
    members = members & members_visible_to(request.user)
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    for member in page:
        member.masked_phone = mask_phone(member.phone)
    return render(request, "web/members.html", {
        "page": page, "q": query, "branch": branch, "status": status,
        "branches": Branch.objects.all(), "statuses": Member.Status.choices,
    })
