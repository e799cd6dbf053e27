"""Demo: a congress 六届四次 with delegates and proposals in every state; in two schools its 提案工作委员会
(member2 among its members) and chair1's branch's 二级教代会 with a proposal forwarded to the school's
congress and one waiting for 初审 (all through the real services)."""
import datetime

from django.utils import timezone

from tenants.accounts.models import User
from tenants.congress import services as s
from tenants.congress.models import Committee, Congress, Proposal
from tenants.members.models import Branch, Department, Member

TITLES = [
    ("关于改善教职工停车难问题的提案", "校内车位严重不足，上下班高峰期车辆乱停乱放。", "在东区新建立体停车场，错峰开放体育馆地面车位。"),
    ("关于提高青年教师周转房保障的提案", "新进青年教师租房负担重，周转房轮候时间长。", "增加周转房房源，对未入住者发放住房补贴。"),
    ("关于增设校内母婴室的提案", "哺乳期女教职工在校内没有合适的哺乳场所。", "在行政楼和图书馆各设一间母婴室。"),
    ("关于优化职称评审程序的提案", "评审材料重复提交，流程长。", "建立网上评审系统，材料一次提交、多环节共享。"),
    ("关于加强食堂饭菜质量监管的提案", "教工餐厅菜品单一，价格偏高。", "成立伙食监督小组，每月公开菜价和检测结果。"),
    ("关于延长图书馆开放时间的提案", "图书馆晚上九点闭馆，不便教师查阅资料。", "考试周及学期中延长至晚上十一点。"),
    ("关于设立教职工子女暑期托管班的提案", "暑期教职工子女无人照看。", "由工会牵头联合附属学校开办暑期托管班。"),
    ("关于完善非编人员薪酬待遇的提案", "非编人员与在编人员同工不同酬。", "逐步建立统一的岗位绩效工资体系。"),
    ("关于规范科研经费报销流程的提案", "报销环节多、退单率高。", "公布报销指南，推行线上预审。"),
    ("关于改善教学楼空调设施的提案", "部分教室空调老化，夏季授课闷热。", "分批更换老旧空调，建立报修快速通道。"),
    ("关于增加教职工体检项目的提案", "现有体检项目偏少，缺少肿瘤筛查。", "增加低剂量螺旋CT和肿瘤标志物检查。"),
    ("关于建设教职工健身房的提案", "校内缺少教职工专用的健身场所。", "利用闲置用房建设教职工健身房。"),
    ("关于加强校园夜间安全巡查的提案", "夜间部分路段照明不足。", "增设路灯和监控，增加夜间巡逻频次。"),
]


def seed_congress(school) -> None:
    if not Congress.objects.exists():
        seed_school_congress(school)
    if school.slug in COMMITTEE_SCHOOLS and not Committee.objects.exists():
        seed_committee_and_branch_congress(school)


COMMITTEE_SCHOOLS = {"guilin", "huzhou"}


def seed_committee_and_branch_congress(school) -> None:
    admin = User.objects.get(username="admin")
    congress = Congress.objects.filter(branch__isnull=True).order_by("-term", "-session").first()
    committee = s.committee_create(by=admin, congress=congress, name="提案工作委员会", kind="proposal")
    s.committee_create(by=admin, congress=congress, name="福利委员会", kind="other")
    delegates = list(congress.delegates.select_related("member").order_by("id"))
    # member2 (a delegate who can log in) and two delegates without accounts
    for delegate, role in ((delegates[13], "chair"), (delegates[1], "member"), (delegates[14], "vice_chair")):
        s.committee_member_add(by=admin, committee=committee, member=delegate.member, role=role)

    chair = User.objects.get(username="chair1")
    branch = Branch.objects.get(chair=chair)
    branch_congress = s.congress_create(by=chair, branch=branch, term=3, session=2, seconder_minimum=1,
                                        title=f"{branch.name}第三届教职工代表大会第二次会议",
                                        opens_on=datetime.date(2026, 3, 12))
    s.congress_open(congress=branch_congress, by=chair, note="二级教代会开幕")
    for member in Member.objects.filter(branch=branch, status=Member.Status.ACTIVE).order_by("id")[:10]:
        s.delegate_elect(by=chair, congress=branch_congress, member=member)
    first, second = [u for u in (User.objects.filter(username__in=["member1", "member9"]).order_by("username"))]

    def seconded(author, seconder, title, reasons, measures):
        p = s.proposal_create(by=author, congress=branch_congress, title=title, reasons=reasons, measures=measures)
        s.proposal_submit(proposal=p, by=author)
        return s.proposal_second(proposal=p, by=seconder)

    forwarded = seconded(first, second, "关于全校统一延长教工食堂供餐时间的提案",
                         "晚上有课的教师无法按时就餐，此事涉及全校各学院。", "教工食堂晚餐供应延长至晚上七点半。")
    s.proposal_start_review(proposal=forwarded, by=chair, note="分工会初审")
    s.proposal_accept(proposal=forwarded, by=chair, note="符合立案条件")
    s.proposal_forward(proposal=forwarded, by=chair, congress=congress, reason="涉及全校，需学校职能部门办理")
    seconded(second, first, "关于改善学院教师办公条件的提案", "学院教师办公室拥挤，缺少讨论空间。",
             "整合闲置用房，增设教师研讨室。")


def seed_school_congress(school) -> None:
    admin = User.objects.get(username="admin")
    congress = s.congress_create(by=admin, term=6, session=4, title="第六届教职工代表大会第四次会议",
                                 opens_on=datetime.date(2026, 3, 20))
    congress = s.congress_open(congress=congress, by=admin, note="大会开幕")
    members = list(Member.objects.order_by("id")[:40])
    delegation = s.delegation_create(by=admin, congress=congress, name="第一代表团")
    delegates = [s.delegate_elect(by=admin, congress=congress, member=m, delegation=delegation) for m in members]
    users = [d.member.user for d in delegates if d.member.user is not None]  # member1..member12
    jiaowu = Department.objects.get(name="教务处")
    handler = jiaowu.handlers.first()

    def draft(i, proposer):
        title, reasons, measures = TITLES[i]
        return s.proposal_create(by=proposer, congress=congress, title=title, reasons=reasons, measures=measures)

    def submitted(i, proposer):
        p = draft(i, proposer)
        return s.proposal_submit(proposal=p, by=proposer)

    def seconded(i, proposer):
        p = submitted(i, proposer)
        for other in [u for u in users if u != proposer][:2]:
            s.proposal_second(proposal=p, by=other)
        return p

    def under_review(i, proposer):
        return s.proposal_start_review(proposal=seconded(i, proposer), by=admin)

    def accepted(i, proposer):
        return s.proposal_accept(proposal=under_review(i, proposer), by=admin, note="符合立案条件")

    def assigned(i, proposer, due=None):
        return s.proposal_assign(proposal=accepted(i, proposer), by=admin, lead_department=jiaowu,
                                 due_date=due or timezone.localdate() + datetime.timedelta(days=30))

    def replied(i, proposer):
        p = assigned(i, proposer)
        s.proposal_reply(proposal=p, by=handler, text="已纳入下一年度工作计划，具体措施如下：……")
        return p

    def rated(i, proposer):
        return s.proposal_rate(proposal=replied(i, proposer), by=proposer, rating="satisfied")

    draft(0, users[0])
    submitted(1, users[1])
    seconded(2, users[2])
    under_review(3, users[3])
    target = accepted(4, users[4])
    s.proposal_merge(target=target, sources=[under_review(5, users[5])], by=admin, note="内容相近，并案办理")
    s.proposal_convert_to_suggestion(proposal=under_review(6, users[6]), by=admin, reason="属于日常管理事项")
    s.proposal_reject(proposal=under_review(7, users[7]), by=admin, reason="不属于教代会职权范围")
    late = assigned(8, users[8])
    Proposal.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=3))
    s.flag_overdue_proposals()
    replied(9, users[9])
    rated(10, users[10])
    s.proposal_close(proposal=rated(11, users[11]), by=admin, note="办理完毕")
    s.suggestion_submit(by=users[0], title="建议食堂增加清真窗口", content="部分教职工有清真饮食需求。")
