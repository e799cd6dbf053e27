"""Mutual aid: schemes, enrolment, claims and their money — every write of this area.

The yearly cap: approving a claim locks the member's enrolment row first, reads what is already
approved against it, and approves at most what remains (`capped` says it was reduced); when
nothing remains the approval is refused (409). Two approvals at the same moment queue on that row
lock, so the second sees the first's amount. The database's check constraint (used ≤ cap) is the
last line behind it.

Money reaches the books through `ledger_entry_record` inside the same transaction: the fees of
enrolments not yet booked as one income entry (其他收入), each payout as one expense (维权支出).
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.accounts.services import notify
from tenants.audit.services import actor_name, audit_create, audit_record, audit_update, field_values
from tenants.decimals import decimal_in_range
from tenants.errors import Conflict, DomainError, NotAllowed
from tenants.finance.models import ExpenseCategory, IncomeCategory, LedgerEntry
from tenants.finance.services import ledger_entry_record
from tenants.members.models import Member
from tenants.mutualaid.models import Category, Claim, ClaimDocument, Enrolment, Scheme
from tenants.workflow import StateMachine

#: who runs mutual aid: the union office and the school's 帮扶专干
OFFICE = frozenset({Role.UNION_ADMIN, Role.CARE_OFFICER})
MAX_FEE = Decimal("10000.00")
MAX_CAP = Decimal("10000000.00")
MAX_AMOUNT = Decimal("1000000.00")
MAX_COSTS = Decimal("9999999.99")
CENT = Decimal("0.01")

S = Scheme.Status
SCHEME_FLOW = (
    StateMachine.for_field("互助保障计划", Scheme)
    .add("open", label="开始参保", sources={S.DRAFT}, target=S.ENROLLING, roles=OFFICE)
    .add("start", label="进入保障期", sources={S.ENROLLING}, target=S.ACTIVE, roles=OFFICE)
    .add("end", label="结束", sources={S.ACTIVE}, target=S.ENDED, roles=OFFICE)
)

C = Claim.Status
CLAIM_FLOW = (
    StateMachine.for_field("互助金申请", Claim)
    .add("review", label="初审通过", sources={C.SUBMITTED}, target=C.REVIEWED, roles=OFFICE)
    .add("approve", label="核准", sources={C.REVIEWED}, target=C.APPROVED, roles=OFFICE)
    .add("pay", label="支付", sources={C.APPROVED}, target=C.PAID, roles=OFFICE)
    # also after 核准 while unpaid (the member withdrew, a document proved false): its share of the
    # yearly cap is given back in the same transaction
    .add("reject", label="不予给付", sources={C.SUBMITTED, C.REVIEWED, C.APPROVED}, target=C.REJECTED,
         roles=OFFICE, reason_required=True)
)
#: claims still moving (counted against nothing yet, or approved and awaiting payout)
OPEN_CLAIMS = (C.SUBMITTED, C.REVIEWED, C.APPROVED)


def is_office(user) -> bool:
    return bool(user is not None and set(getattr(user, "roles", ())) & OFFICE)


def _require_office(by) -> None:
    if not is_office(by):
        raise NotAllowed("只有校工会或帮扶专干可以办理互助保障。")


def _amount(value, *, field, label, low="0.01", high=MAX_AMOUNT) -> Decimal:
    return decimal_in_range(value, field=field, low=low, high=high, label=label)


# --- schemes and categories ---------------------------------------------------------------------

def _scheme_values(*, name, year, enrol_opens_on, enrol_closes_on, fee, yearly_cap, note) -> dict:
    errors, values = {}, {}
    values["name"] = (name or "").strip()[:100]
    if not values["name"]:
        errors["name"] = "请填写计划名称。"
    try:
        values["year"] = int(year)
        if not 2000 <= values["year"] <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        errors["year"] = "年度应为 2000 到 2100 之间的年份。"
    if enrol_opens_on is None:
        errors["enrol_opens_on"] = "请填写参保开始日期。"
    if enrol_closes_on is None:
        errors["enrol_closes_on"] = "请填写参保截止日期。"
    elif enrol_opens_on is not None and enrol_closes_on < enrol_opens_on:
        errors["enrol_closes_on"] = "参保截止日期不能早于开始日期。"
    for field, value, label, high in (("fee", fee, "每人缴费", MAX_FEE), ("yearly_cap", yearly_cap, "年度给付上限", MAX_CAP)):
        try:
            values[field] = _amount(value, field=field, label=label, high=high)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    values.update(enrol_opens_on=enrol_opens_on, enrol_closes_on=enrol_closes_on, note=(note or "").strip())
    return values


def scheme_create(*, by, name, year, enrol_opens_on, enrol_closes_on, fee, yearly_cap, note="") -> Scheme:
    _require_office(by)
    values = _scheme_values(name=name, year=year, enrol_opens_on=enrol_opens_on, enrol_closes_on=enrol_closes_on,
                            fee=fee, yearly_cap=yearly_cap, note=note)
    if Scheme.objects.filter(year=values["year"], name=values["name"]).exists():
        raise Conflict(f"{values['year']} 年度已有名为“{values['name']}”的计划。", field="name")
    with transaction.atomic():
        scheme = Scheme.objects.create(**values)
        audit_create(actor=by, target=scheme, fields=list(values))
    return scheme


def scheme_update(*, scheme: Scheme, by, **changes) -> Scheme:
    """Only a draft is edited: once members join, the fee and cap they joined under stay."""
    _require_office(by)
    with transaction.atomic():
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
        if scheme.status != S.DRAFT:
            raise Conflict(f"计划当前状态为“{scheme.get_status_display()}”，只有草稿可以修改。")
        current = {f: getattr(scheme, f) for f in ("name", "year", "enrol_opens_on", "enrol_closes_on", "fee",
                                                     "yearly_cap", "note")}
        values = _scheme_values(**{**current, **changes})
        if Scheme.objects.filter(year=values["year"], name=values["name"]).exclude(pk=scheme.pk).exists():
            raise Conflict(f"{values['year']} 年度已有名为“{values['name']}”的计划。", field="name")
        before = field_values(scheme, list(values))
        for field, value in values.items():
            setattr(scheme, field, value)
        scheme.save(update_fields=list(values))
        audit_update(actor=by, target=scheme, before=before)
    return scheme


def scheme_move(*, scheme: Scheme, by, action: str, reason: str = "") -> Scheme:
    if action not in SCHEME_FLOW.transitions:
        raise DomainError("没有这个操作。", field="action")
    with transaction.atomic():
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
        if action == "open" and not scheme.categories.exists():
            SCHEME_FLOW.check(action, state=scheme.status, user=by)
            raise Conflict("请先设置至少一个给付类别，再开始参保。")
        SCHEME_FLOW.apply(scheme, action, by=by, reason=reason or SCHEME_FLOW.transitions[action].label)
    return scheme


def category_create(*, scheme: Scheme, by, name, mode, amount=None, rate=None, max_per_claim=None) -> Category:
    _require_office(by)
    errors, values = {}, {"name": (name or "").strip()[:50], "mode": mode}
    if not values["name"]:
        errors["name"] = "请填写类别名称。"
    if mode not in Category.Mode.values:
        errors["mode"] = "给付方式应为“定额给付”或“按比例给付”。"
    values.update(amount=None, rate=None, max_per_claim=None)
    try:
        if mode == Category.Mode.FIXED:
            if amount in (None, ""):
                errors["amount"] = "定额给付须填写定额。"
            else:
                values["amount"] = _amount(amount, field="amount", label="定额")
        elif mode == Category.Mode.PERCENT:
            if rate in (None, ""):
                errors["rate"] = "按比例给付须填写比例。"
            else:
                values["rate"] = decimal_in_range(rate, field="rate", low="0.01", high="100", label="比例")
            if max_per_claim not in (None, ""):
                values["max_per_claim"] = _amount(max_per_claim, field="max_per_claim", label="每次最高")
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
        if scheme.status != S.DRAFT:
            raise Conflict(f"计划当前状态为“{scheme.get_status_display()}”，只有草稿可以设置给付类别。")
        if scheme.categories.filter(name=values["name"]).exists():
            raise Conflict(f"已有名为“{values['name']}”的类别。", field="name")
        category = Category.objects.create(scheme=scheme, **values)
        audit_create(actor=by, target=category, fields=["scheme", *values])
    return category


# --- enrolment ---------------------------------------------------------------------------------

def _member_of_this_school(member) -> Member:
    """The member as this school's schema has it; a record of another school (or a departed
    member) is refused by name."""
    found = Member.objects.filter(pk=getattr(member, "pk", None)).first()
    if found is None or found.employee_number != member.employee_number:
        raise ValidationError({"member": "本校没有这名会员。"})
    if found.status != Member.Status.ACTIVE:
        raise ValidationError({"member": f"{found.name}当前状态为“{found.get_status_display()}”，只有在会会员可以参加互助保障。"})
    return found


def _enrol_checks(scheme: Scheme, *, by, self_service: bool) -> None:
    if self_service:
        today = timezone.localdate()
        if scheme.status != S.ENROLLING or not scheme.enrol_opens_on <= today <= scheme.enrol_closes_on:
            raise Conflict(f"“{scheme}”现在不在参保期内（{scheme.enrol_opens_on:%Y年%-m月%-d日}至"
                           f"{scheme.enrol_closes_on:%Y年%-m月%-d日}），不能自行参保。")
    else:
        _require_office(by)
        if scheme.status not in (S.ENROLLING, S.ACTIVE):
            raise Conflict(f"计划当前状态为“{scheme.get_status_display()}”，不能登记参保。")


def _new_enrolment(scheme, member, *, by, via) -> Enrolment:
    return Enrolment(scheme=scheme, member=member, via=via, fee=scheme.fee, cap=scheme.yearly_cap,
                     enrolled_on=timezone.localdate(), enrolled_by=actor_name(by))


def enrol(*, scheme: Scheme, by, member=None) -> Enrolment:
    """The office enrols ``member``; a member without office rights enrols themself (member=None
    or their own record) while the scheme is 参保中 and today is inside the window."""
    self_service = not is_office(by)
    if self_service:
        own = Member.objects.filter(user=by).first() if by is not None else None
        if own is None:
            raise NotAllowed("您的账号没有关联会员档案，不能参保。")
        if member is not None and member.pk != own.pk:
            raise NotAllowed("会员只能为本人参保。")
        member = own
    if member is None:
        raise ValidationError({"member": "请选择会员。"})
    member = _member_of_this_school(member)
    with transaction.atomic():
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
        _enrol_checks(scheme, by=by, self_service=self_service)
        if Enrolment.objects.filter(scheme=scheme, member=member).exists():
            raise Conflict(f"{member.name}已参加“{scheme}”，每人每期只能参保一次。", field="member")
        enrolment = _new_enrolment(scheme, member, by=by, via=Enrolment.Via.SELF if self_service else Enrolment.Via.OFFICE)
        try:
            with transaction.atomic():
                enrolment.save()
        except IntegrityError:
            raise Conflict(f"{member.name}已参加“{scheme}”，每人每期只能参保一次。", field="member") from None
        audit_create(actor=by, target=enrolment, fields=["scheme", "member", "via", "fee", "cap"])
    return enrolment


def enrol_all(*, scheme: Scheme, by) -> int:
    """Every active member not yet enrolled; returns how many joined now."""
    _require_office(by)
    with transaction.atomic():
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
        _enrol_checks(scheme, by=by, self_service=False)
        members = (Member.objects.filter(status=Member.Status.ACTIVE)
                   .exclude(aid_enrolments__scheme=scheme).order_by("id"))
        new = [_new_enrolment(scheme, m, by=by, via=Enrolment.Via.ALL) for m in members]
        Enrolment.objects.bulk_create(new, batch_size=1000)
        if new:
            audit_record(actor=by, action="update", target=scheme, changes={"enrolments": ["", f"全员参保 {len(new)} 人"]})
    return len(new)


class ImportRejected(Exception):
    """The file has errors; nothing was enrolled. ``problems``: [{row, column, message}]."""

    def __init__(self, problems: list[dict]):
        super().__init__(f"{len(problems)} 处错误")
        self.problems = problems


MAX_IMPORT_ROWS = 5000


def _import_rows(fileobj) -> list[tuple[int, str]]:
    from tenants import xlsx

    try:
        book = xlsx.open_for_reading(fileobj)
    except xlsx.UnsafeWorkbook as refused:
        raise ImportRejected([{"row": 0, "column": "", "message": str(refused)}]) from None
    try:
        if not book.worksheets:
            raise ImportRejected([{"row": 0, "column": "", "message": "表格中没有工作表。"}])
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(cell or "").strip().lstrip("*") for cell in next(rows, [])]
        if "工号" not in header:
            raise ImportRejected([{"row": 1, "column": "工号", "message": "缺少列“工号”。"}])
        column = header.index("工号")
        result = []
        for number, values in enumerate(rows, start=2):
            value = values[column] if values and column < len(values) else None
            if value in (None, "") and not any(v not in (None, "") for v in (values or ())):
                continue
            text = (f"{value:.0f}" if isinstance(value, float) else str(value or "")).strip()
            result.append((number, text))
            if len(result) > MAX_IMPORT_ROWS:
                raise ImportRejected([{"row": number, "column": "", "message": f"一次最多导入 {MAX_IMPORT_ROWS} 行。"}])
        if not result:
            raise ImportRejected([{"row": 2, "column": "", "message": "表格中没有工号。"}])
        return result
    except ImportRejected:
        raise
    except Exception:  # a sheet whose XML breaks part-way is as unreadable as a foreign file
        raise ImportRejected([{"row": 0, "column": "", "message": "文件不是有效的 .xlsx 表格。"}]) from None
    finally:
        book.close()


def enrol_import(*, scheme: Scheme, by, fileobj, preview: bool = False) -> list[Member]:
    """Enrol the members a sheet names by 工号 — all or none. With ``preview`` nothing is written;
    either way the members found are returned, or ImportRejected lists every problem by row."""
    _require_office(by)
    rows = _import_rows(fileobj)
    numbers = {n for _, n in rows}
    members = {m.employee_number: m for m in Member.objects.filter(employee_number__in=numbers)}
    enrolled = set(Enrolment.objects.filter(scheme=scheme, member__employee_number__in=numbers)
                   .values_list("member__employee_number", flat=True))
    problems, seen, found = [], {}, []
    for row, number in rows:
        member = members.get(number)
        if not number:
            message = "工号为空。"
        elif number in seen:
            message = f"工号与第 {seen[number]} 行重复。"
        elif member is None:
            message = f"本校没有工号为 {number} 的会员。"
        elif member.status != Member.Status.ACTIVE:
            message = f"{member.name}当前状态为“{member.get_status_display()}”，只有在会会员可以参保。"
        elif number in enrolled:
            message = f"{member.name}已参加本期互助保障。"
        else:
            message = ""
            found.append(member)
        seen.setdefault(number, row)
        if message:
            problems.append({"row": row, "column": "工号", "message": message})
    if problems:
        raise ImportRejected(problems)
    if preview:
        _enrol_checks(scheme, by=by, self_service=False)
        return found
    with transaction.atomic():
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
        _enrol_checks(scheme, by=by, self_service=False)
        if Enrolment.objects.filter(scheme=scheme, member__in=found).exists():
            raise Conflict("表格中有会员刚刚已被登记参保，请重新上传。")
        Enrolment.objects.bulk_create([_new_enrolment(scheme, m, by=by, via=Enrolment.Via.IMPORT) for m in found])
        audit_record(actor=by, action="update", target=scheme, changes={"enrolments": ["", f"表格导入 {len(found)} 人"]})
    return found


def fees_book(*, scheme: Scheme, by) -> LedgerEntry | None:
    """Book the fees of every enrolment not yet booked as ONE income entry (其他收入), awaiting
    approval in the books. Nothing left to book: None, nothing written (so it is idempotent)."""
    _require_office(by)
    with transaction.atomic():
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
        if scheme.status == S.DRAFT:
            raise Conflict("草稿计划还没有参保，没有可入账的缴费。")
        pending = Enrolment.objects.select_for_update().filter(scheme=scheme, fees_entry__isnull=True)
        ids = list(pending.values_list("pk", flat=True))
        total = Enrolment.objects.filter(pk__in=ids).aggregate(total=Sum("fee"))["total"] or Decimal("0")
        if not ids or total <= 0:
            return None
        entry = ledger_entry_record(
            by=by, kind=LedgerEntry.Kind.INCOME, category=IncomeCategory.OTHER_INCOME, amount=total,
            occurred_on=timezone.localdate(), description=f"{scheme}互助金收缴（{len(ids)} 人）",
            source_type=LedgerEntry.Source.AID_FEES, source_id=scheme.pk)
        Enrolment.objects.filter(pk__in=ids).update(fees_entry=entry)
    return entry


# --- claims ------------------------------------------------------------------------------------

def compute_amount(category: Category, eligible_costs: Decimal) -> Decimal:
    """What the category pays for these costs, before the yearly cap."""
    if category.mode == Category.Mode.FIXED:
        return category.amount
    amount = (eligible_costs * category.rate / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)
    if category.max_per_claim is not None:
        amount = min(amount, category.max_per_claim)
    return amount


def claim_file(*, by, scheme: Scheme, category: Category, eligible_costs, description: str, member=None,
               documents=()) -> Claim:
    """A claim of an enrolled member: the office files it for ``member``; a member files their own."""
    office = is_office(by)
    if not office:
        own = Member.objects.filter(user=by).first() if by is not None else None
        if own is None:
            raise NotAllowed("您的账号没有关联会员档案，不能申请互助金。")
        if member is not None and member.pk != own.pk:
            raise NotAllowed("会员只能为本人申请互助金。")
        member = own
    errors = {}
    if member is None:
        errors["member"] = "请选择会员。"
    if category is None or category.scheme_id != scheme.pk:
        errors["category"] = "请选择本计划的给付类别。"
    if not (description or "").strip():
        errors["description"] = "请填写病情及就医说明。"
    try:
        eligible_costs = _amount(eligible_costs, field="eligible_costs", label="合规费用", high=MAX_COSTS)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    member = _member_of_this_school(member)
    from shared.uploads import check_upload

    for upload in documents:
        check_upload(upload)
    scheme = Scheme.objects.get(pk=scheme.pk)
    if scheme.status != S.ACTIVE:
        raise Conflict(f"计划当前状态为“{scheme.get_status_display()}”，只有保障期内可以申请互助金。")
    enrolment = Enrolment.objects.filter(scheme=scheme, member=member).first()
    if enrolment is None:
        raise ValidationError({"member": f"{member.name}没有参加“{scheme}”，不能申请互助金。"})
    with transaction.atomic():
        claim = Claim.objects.create(enrolment=enrolment, category=category, eligible_costs=eligible_costs,
                                     description=description.strip(), submitted_by=by,
                                     computed_amount=compute_amount(category, eligible_costs))
        audit_create(actor=by, target=claim, fields=["enrolment", "category", "eligible_costs", "computed_amount"])
        for upload in documents:
            _attach(claim, upload, by)
    return claim


def _attach(claim, upload, by) -> ClaimDocument:
    document = ClaimDocument.objects.create(claim=claim, file=upload, name=upload.name[:200], size=upload.size,
                                            uploaded_by=by)
    audit_create(actor=by, target=document, fields=["claim", "name", "size"])
    return document


def claim_attach(*, claim: Claim, by, upload) -> ClaimDocument:
    """Add a document while the claim is under review (the claimant or the office)."""
    from shared.uploads import check_upload

    check_upload(upload)
    if not is_office(by) and claim.enrolment.member.user_id != getattr(by, "pk", None):
        raise NotAllowed("只有申请人本人或校工会可以上传申请材料。")
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        if claim.status not in (C.SUBMITTED, C.REVIEWED):
            raise Conflict(f"申请当前状态为“{claim.get_status_display()}”，不能再添加材料。")
        return _attach(claim, upload, by)


def _locked(claim: Claim) -> Claim:
    return Claim.objects.select_for_update().select_related("enrolment__scheme", "enrolment__member",
                                                            "category").get(pk=claim.pk)


def _not_own(claim: Claim, by) -> None:
    """Nobody decides on their own claim: another person of the office does."""
    if by is not None and claim.enrolment.member.user_id == by.pk:
        raise NotAllowed("不能审核或核准本人的互助金申请，请由工会其他人员办理。")


def _tell_claimant(claim: Claim, message: str) -> None:
    """The member hears of every step of their claim in their inbox (站内通知), linked to it."""
    user = claim.enrolment.member.user
    if user is not None:
        notify(users=[user], message=message, link=f"/mutual-aid/claims/{claim.pk}/")


def claim_review(*, claim: Claim, by, note: str = "") -> Claim:
    with transaction.atomic():
        claim = _locked(claim)
        CLAIM_FLOW.check("review", state=claim.status, user=by)
        _not_own(claim, by)
        CLAIM_FLOW.apply(claim, "review", by=by, reason=note.strip() or "初审通过")
        _tell_claimant(claim, f"您的互助金申请（{claim.category.name}）已通过初审，等待核准。")
    return claim


def claim_approve(*, claim: Claim, by, note: str = "") -> Claim:
    """Approve the category's amount, reduced to what remains of the member's yearly cap."""
    with transaction.atomic():
        claim = Claim.objects.select_related("enrolment").get(pk=claim.pk)
        # the enrolment row first: every approval against this member's cap waits here in turn
        enrolment = Enrolment.objects.select_for_update().select_related("scheme").get(pk=claim.enrolment_id)
        claim = _locked(claim)
        CLAIM_FLOW.check("approve", state=claim.status, user=by)
        _not_own(claim, by)
        computed = compute_amount(claim.category, claim.eligible_costs)
        remaining = enrolment.cap - enrolment.used
        if remaining <= 0:
            raise Conflict(f"{enrolment.member.name}本年度互助金已达上限 ¥{enrolment.cap:,.2f}，不能再核准给付。")
        amount = min(computed, remaining)
        claim.computed_amount, claim.approved_amount, claim.capped = computed, amount, amount < computed
        reason = note.strip() or (f"核准 ¥{amount:,.2f}（按类别应付 ¥{computed:,.2f}，受年度上限核减）"
                                  if claim.capped else f"核准 ¥{amount:,.2f}")
        enrolment.used += amount
        enrolment.save(update_fields=["used"])
        CLAIM_FLOW.apply(claim, "approve", by=by, reason=reason,
                         extra_update_fields=["computed_amount", "approved_amount", "capped"],
                         audit_changes={"approved_amount": [None, str(amount)]})
        _tell_claimant(claim, f"您的互助金申请已核准 ¥{amount:,.2f}"
                              f"{'（受年度上限核减）' if claim.capped else ''}，等待支付。")
    return claim


def claim_pay(*, claim: Claim, by, paid_on=None) -> Claim:
    """The payout: one expense entry (维权支出) awaiting approval in the books, same transaction."""
    with transaction.atomic():
        claim = _locked(claim)
        CLAIM_FLOW.check("pay", state=claim.status, user=by)
        claim.paid_on = paid_on or timezone.localdate()
        claim.payout_entry = ledger_entry_record(
            by=by, kind=LedgerEntry.Kind.EXPENSE, category=ExpenseCategory.RIGHTS, amount=claim.approved_amount,
            occurred_on=claim.paid_on, description=f"{claim.enrolment.scheme}给付（互助金申请 {claim.pk}）",
            source_type=LedgerEntry.Source.AID_CLAIM, source_id=claim.pk)
        CLAIM_FLOW.apply(claim, "pay", by=by, reason=f"支付 ¥{claim.approved_amount:,.2f}",
                         extra_update_fields=["paid_on", "payout_entry"])
        _tell_claimant(claim, f"您的互助金 ¥{claim.approved_amount:,.2f} 已支付。")
    return claim


def claim_reject(*, claim: Claim, by, reason: str) -> Claim:
    with transaction.atomic():
        # the enrolment first, in the order claim_approve locks them
        enrolment = Enrolment.objects.select_for_update().get(pk=claim.enrolment_id)
        claim = _locked(claim)
        CLAIM_FLOW.check("reject", state=claim.status, user=by, reason=reason)
        _not_own(claim, by)
        if claim.status == C.APPROVED:
            enrolment.used -= claim.approved_amount
            enrolment.save(update_fields=["used"])
        claim.decision_reason = (reason or "").strip()
        CLAIM_FLOW.apply(claim, "reject", by=by, reason=claim.decision_reason, extra_update_fields=["decision_reason"])
        _tell_claimant(claim, f"您的互助金申请未获给付：{claim.decision_reason}")
    return claim


def claim_act(*, claim: Claim, by, action: str, note: str = "", reason: str = "") -> Claim:
    """One entry point for the pages and the API: review / approve / pay / reject."""
    if action == "review":
        return claim_review(claim=claim, by=by, note=note)
    if action == "approve":
        return claim_approve(claim=claim, by=by, note=note)
    if action == "pay":
        return claim_pay(claim=claim, by=by)
    if action == "reject":
        return claim_reject(claim=claim, by=by, reason=reason)
    raise DomainError("没有这个操作。", field="action")

