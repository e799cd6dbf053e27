"""The member portal (我的): what one teacher needs on a phone — their membership card, their
proposals and what they may second, their 意见建议, a way to their notifications — and 更多, the page that
reaches every entry the phone's five-slot bottom bar has no room for."""
from django.urls import reverse

from tenants.accounts.selectors import notifications_of
from tenants.congress.models import Proposal
from tenants.congress.selectors import delegateships_of, proposal_todos, proposals_of, suggestions_visible_to
from tenants.members.models import Member
from tenants.personal_data import mask_phone
from web.base import SchoolPage
from web.nav import nav_for
from web.school import area_portal_sections
from web.todo import counted

P = Proposal.Status


class MyPortal(SchoolPage):
    template_name = "web/portal/me.html"
    title = "我的"

    def get(self, request):
        user = request.user
        member = Member.objects.filter(user=user).select_related("branch", "group").first()
        delegateships = list(delegateships_of(user))
        todos = proposal_todos(user)
        # the page shows number, 案由, status, proposer and 附议 count: not the co-proposers and departments
        mine = proposals_of(user).prefetch_related(None)
        proposal_count, proposals = counted(mine, 20)
        unread = notifications_of(user, unread=True).count()
        return self.render_page(
            member=member, phone=mask_phone(member.phone) if member else "",
            delegateships=delegateships,
            proposals=proposals, proposal_count=proposal_count,
            to_second=todos["to_second"].prefetch_related(None)[:10] if "to_second" in todos else [],
            to_rate=todos["to_rate"].prefetch_related(None) if "to_rate" in todos else [],
            suggestions=suggestions_visible_to(user).filter(submitted_by=user)[:10],
            unread=unread, unread_count=unread,  # the layout's badge too: one count, not two
            can_propose=any(d.congress.status != "closed" for d in delegateships),
            area_sections=area_portal_sections(user, member),
        )


class More(SchoolPage):
    """Every navigation entry this person has, as big tap targets (the phone's bottom bar holds five)."""

    template_name = "web/portal/more.html"
    title = "更多"

    def get(self, request):
        entries = [e for e in nav_for(request) if e["url"] != reverse("school:more")]
        return self.render_page(entries=entries)
