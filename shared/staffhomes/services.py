"""先进教职工之家 confirmation: apply with a self-assessment, reviewers score, inspect, confirm a list."""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg
from django.utils import timezone

from shared.staffhomes.models import Criterion, HomeApplication, Inspection, ReviewScore, Round
from tenants.accounts.roles import Role
from tenants.audit.services import actor_name, audit_create, audit_delete, audit_record, audit_update, field_values
from tenants.decimals import decimal_in_range
from tenants.errors import Conflict
from tenants.models import School
from tenants.workflow import StateMachine

H = HomeApplication.Status
HOME_FLOW = (
    StateMachine.for_field("建家申报", HomeApplication)
    .add("confirm", label="确认", sources={H.SUBMITTED}, target=H.CONFIRMED, roles={Role.PROVINCE_ADMIN})
    .add("not_confirm", label="不予确认", sources={H.SUBMITTED}, target=H.NOT_CONFIRMED, roles={Role.PROVINCE_ADMIN},
         reason_required=True)
)
R = Round.Status
ROUND_FLOW = (
    StateMachine.for_field("建家评选年度", Round)
    .add("open", label="开始申报", sources={R.DRAFT}, target=R.OPEN, roles={Role.PROVINCE_ADMIN})
    .add("close", label="截止申报", sources={R.OPEN}, target=R.REVIEWING, roles={Role.PROVINCE_ADMIN})
    .add("publish_list", label="公布名单", sources={R.REVIEWING}, target=R.CONFIRMED, roles={Role.PROVINCE_ADMIN})
)
#: the states in which reviewers score and the admin decides
DECIDING = {R.OPEN, R.REVIEWING}
DEFAULT_CRITERIA = [("规范", "组织健全、制度完善、教代会规范"), ("和谐", "民主管理、劳动关系和谐"),
                    ("温暖", "帮扶慰问、关心教职工生活"), ("平安", "安全稳定、维护权益"), ("创新", "工作特色与创新")]
DEFAULT_MAX_SCORE = Decimal("20")


def _starting_criteria(round_: Round) -> None:
    """A new round starts with the criteria of the latest round before it, or the five of the rules."""
    previous = (Round.objects.exclude(pk=round_.pk).filter(criteria__isnull=False)
                .order_by("-year", "-id").first())
    if previous is not None:
        rows = [(c.name, c.description, c.max_score, c.order) for c in previous.criteria.all()]
    else:
        rows = [(name, description, DEFAULT_MAX_SCORE, order)
                for order, (name, description) in enumerate(DEFAULT_CRITERIA)]
    Criterion.objects.bulk_create(Criterion(round=round_, name=name, description=description, max_score=max_score,
                                            order=order) for name, description, max_score, order in rows)


ROUND_FIELDS = ["year", "title", "opens_at", "closes_at", "recheck_years"]


def _checked_round(round_: Round) -> None:
    errors = {}
    if not isinstance(round_.year, int) or not 2000 <= round_.year <= 2100:
        errors["year"] = "年度应在 2000 到 2100 之间。"
    if not isinstance(round_.recheck_years, int) or not 1 <= round_.recheck_years <= 10:
        errors["recheck_years"] = "复查年限应在 1 到 10 年之间。"
    if round_.opens_at is None:
        errors["opens_at"] = "请填写申报开始时间。"
    if round_.closes_at is None:
        errors["closes_at"] = "请填写申报截止时间。"
    elif round_.opens_at is not None and round_.closes_at <= round_.opens_at:
        errors["closes_at"] = "申报截止必须晚于开始。"
    round_.title = (round_.title or "").strip()
    if not round_.title:
        errors["title"] = "名称不能为空。"
    elif len(round_.title) > 200:
        errors["title"] = "名称不能超过 200 个字。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def round_create(*, by, year: int, title: str, opens_at, closes_at, recheck_years: int = 3) -> Round:
    """A round 筹备中, with the criteria of the round before it (or the defaults) to adjust before opening."""
    round_ = Round(year=year, title=title, opens_at=opens_at, closes_at=closes_at, recheck_years=recheck_years)
    _checked_round(round_)
    round_.save()
    _starting_criteria(round_)
    audit_create(actor=by, target=round_, fields=ROUND_FIELDS)
    return round_


def _locked_draft(round_: Round, what: str) -> Round:
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.status != R.DRAFT:
        raise Conflict(f"“{round_.title}”已{round_.get_status_display()}，{what}。")
    return round_


@transaction.atomic
def round_update(*, round: Round, by, **fields) -> Round:
    """Title, year, window and re-check years, while the round is 筹备中."""
    round_ = _locked_draft(round, "不能再修改")
    before = field_values(round_, ROUND_FIELDS)
    for key, value in fields.items():
        if key not in ROUND_FIELDS:
            raise ValidationError({key: "该字段不能修改。"})
        setattr(round_, key, value)
    _checked_round(round_)
    round_.save(update_fields=list(fields) or ["title"])
    audit_update(actor=by, target=round_, before=before)
    return round_


@transaction.atomic
def round_open(*, round: Round, by) -> Round:
    """筹备中 → 申报中: schools may apply (within the window); the criteria are fixed from now on."""
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    ROUND_FLOW.check("open", state=round_.status, user=by)
    if not round_.criteria.exists():
        raise Conflict("请先设置至少一项建家标准，再开始申报。")
    if round_.closes_at <= timezone.now():
        raise Conflict("申报截止时间已过，请先修改申报截止时间。", field="closes_at")
    ROUND_FLOW.apply(round_, "open", by=by)
    return round_


@transaction.atomic
def round_close(*, round: Round, by, reason: str = "") -> Round:
    """申报中 → 评审中: no more applications, also before the deadline; reviewing goes on."""
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    ROUND_FLOW.apply(round_, "close", by=by, reason=reason)
    return round_


CRITERION_FIELDS = ["name", "description", "max_score", "order"]


def _checked_criterion(criterion: Criterion) -> None:
    criterion.name = (criterion.name or "").strip()
    if not criterion.name:
        raise ValidationError({"name": "标准名称不能为空。"})
    if len(criterion.name) > 40:
        raise ValidationError({"name": "标准名称不能超过 40 个字。"})
    criterion.max_score = decimal_in_range(criterion.max_score, field="max_score", low=1, high=100, label="满分")
    criterion.order = int(decimal_in_range(criterion.order if criterion.order is not None else 0, field="order",
                                           low=0, high=999, places="1", label="顺序"))
    if Criterion.objects.filter(round_id=criterion.round_id, name=criterion.name).exclude(pk=criterion.pk).exists():
        raise Conflict(f"建家标准“{criterion.name}”已存在。", field="name")


@transaction.atomic
def criterion_create(*, round: Round, by, name: str, max_score, description: str = "",
                     order: int | None = None) -> Criterion:
    round_ = _locked_draft(round, "建家标准不能再修改")
    if order is None:
        last = round_.criteria.order_by("-order").first()
        order = last.order + 1 if last else 0
    criterion = Criterion(round=round_, name=name, description=(description or "").strip(), max_score=max_score,
                          order=order)
    _checked_criterion(criterion)
    criterion.save()
    audit_create(actor=by, target=criterion, fields=["round", *CRITERION_FIELDS])
    return criterion


@transaction.atomic
def criterion_update(*, criterion: Criterion, by, **fields) -> Criterion:
    _locked_draft(criterion.round, "建家标准不能再修改")
    before = field_values(criterion, CRITERION_FIELDS)
    for key, value in fields.items():
        if key not in CRITERION_FIELDS:
            raise ValidationError({key: "该字段不能修改。"})
        setattr(criterion, key, value)
    criterion.description = (criterion.description or "").strip()
    _checked_criterion(criterion)
    criterion.save()
    audit_update(actor=by, target=criterion, before=before)
    return criterion


@transaction.atomic
def criterion_delete(*, criterion: Criterion, by) -> None:
    _locked_draft(criterion.round, "建家标准不能再修改")
    audit_delete(actor=by, target=criterion, reason=f"删除建家标准“{criterion.name}”")
    criterion.delete()


def checked_scores(round_: Round, scores, field: str) -> tuple[dict, Decimal]:
    """{criterion id: score} for every criterion of the round, each within its maximum; (scores, total).

    A score that is refused is named by its criterion: the error's key is `<field>.<criterion id>`
    (e.g. `self_scores.12`), so a page puts it beside that criterion's input."""
    criteria = {str(c.pk): c for c in round_.criteria.all()}
    if not isinstance(scores, dict) or set(map(str, scores)) != set(criteria):
        names = "、".join(c.name for c in criteria.values())
        raise ValidationError({field: f"须为每项标准打分（{names}），键为标准编号。"})
    cleaned, total, errors = {}, Decimal("0"), {}
    for key, value in scores.items():
        criterion = criteria[str(key)]
        if value is None or str(value).strip() == "":
            errors[f"{field}.{criterion.pk}"] = f"请填写“{criterion.name}”的分数。"
            continue
        try:
            number = decimal_in_range(value, field=field, low=0, high=criterion.max_score,
                                      label=f"“{criterion.name}”的分数")
        except ValidationError as refused:
            errors[f"{field}.{criterion.pk}"] = refused.message_dict[field][0]
            continue
        cleaned[str(key)] = str(number)
        total += number
    if errors:
        raise ValidationError(errors)
    return cleaned, total


@transaction.atomic
def application_submit(*, by, round: Round, school: School, level: str, unit_name: str, self_scores,
                       self_assessment: str) -> HomeApplication:
    # Locked: an application and 截止申报 / 公布名单 never pass each other.
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    now = timezone.now()
    if round_.status != R.OPEN or not round_.opens_at <= now <= round_.closes_at:
        raise Conflict(f"“{round_.title}”不在申报时间内。")
    errors = {}
    if level not in HomeApplication.Level.values:
        errors["level"] = "请选择申报类别（先进教职工之家或小家）。"
    if not (unit_name or "").strip():
        errors["unit_name"] = "申报单位不能为空。"
    if not (self_assessment or "").strip():
        errors["self_assessment"] = "请填写自评报告。"
    try:
        scores, _ = checked_scores(round_, self_scores, "self_scores")
    except ValidationError as refused:
        errors.update(refused.message_dict)
    if errors:
        raise ValidationError(errors)
    if HomeApplication.objects.filter(round=round_, school=school, unit_name=unit_name.strip()).exists():
        raise Conflict(f"{unit_name.strip()}已申报过本年度。", field="unit_name")
    application = HomeApplication.objects.create(round=round_, school=school, level=level,
                                                 unit_name=unit_name.strip(), self_scores=scores,
                                                 self_assessment=self_assessment.strip(), submitted_by=actor_name(by))
    audit_create(actor=by, target=application, fields=["round", "school", "level", "unit_name"])
    return application


def _undecided(application: HomeApplication, what: str) -> None:
    if application.status != H.SUBMITTED:
        raise Conflict(f"申报当前状态为“{application.get_status_display()}”，{what}。")
    if application.round.status not in DECIDING:
        raise Conflict(f"“{application.round.title}”{application.round.get_status_display()}，{what}。")


@transaction.atomic
def review_submit(*, application: HomeApplication, by, scores, comment: str = "") -> ReviewScore:
    """One reviewer's scores against each criterion of the round (a second call replaces theirs);
    the application's review_total is the mean of the reviewers' totals."""
    application = HomeApplication.objects.select_for_update().select_related("round").get(pk=application.pk)
    _undecided(application, "不能再评分")
    cleaned, total = checked_scores(application.round, scores, "scores")
    review, _ = ReviewScore.objects.update_or_create(
        application=application, reviewer=actor_name(by),
        defaults={"scores": cleaned, "total": total, "comment": (comment or "").strip(), "scored_at": timezone.now()})
    average = application.reviews.aggregate(avg=Avg("total"))["avg"]
    application.review_total = Decimal(average).quantize(Decimal("0.01"))
    application.save(update_fields=["review_total"])
    audit_record(actor=by, action="update", target=application, changes={"review": str(total)}, reason=comment)
    return review


@transaction.atomic
def inspection_record(*, application: HomeApplication, by, inspected_on, inspectors: str, notes: str) -> Inspection:
    """实地检查 of an application being reviewed, or the 复查 of a confirmed home."""
    if application.status == H.NOT_CONFIRMED:
        raise Conflict("不予确认的申报不再检查。")
    errors = {}
    if inspected_on is None:
        errors["inspected_on"] = "请填写检查日期。"
    elif inspected_on > timezone.localdate():
        errors["inspected_on"] = "检查日期不能晚于今天。"
    if not (inspectors or "").strip():
        errors["inspectors"] = "请填写检查人员。"
    elif len(inspectors.strip()) > 200:
        errors["inspectors"] = "检查人员不能超过 200 个字。"
    if not (notes or "").strip():
        errors["notes"] = "请填写检查情况。"
    if errors:
        raise ValidationError(errors)
    inspection = application.inspections.create(inspected_on=inspected_on, inspectors=inspectors.strip(),
                                                notes=notes.strip())
    audit_create(actor=by, target=inspection, fields=["application", "inspected_on", "inspectors"])
    return inspection


@transaction.atomic
def application_decide(*, application: HomeApplication, by, confirm: bool, note: str = "") -> HomeApplication:
    application = HomeApplication.objects.select_for_update().select_related("round").get(pk=application.pk)
    action = "confirm" if confirm else "not_confirm"
    note = (note or "").strip()
    # Who may decide and from which state first (a reviewer is refused as such, whatever they typed);
    # then the missing reason, beside the field the person fills in (the API's and the page's `note`).
    HOME_FLOW.check(action, state=application.status, user=by, reason=note or "（见下）")
    if not confirm and not note:
        raise ValidationError({"note": "不予确认必须填写原因。"})
    if application.round.status not in DECIDING:
        raise Conflict(f"“{application.round.title}”{application.round.get_status_display()}，不能再改变确认结果。")
    if confirm and not application.reviews.exists():
        raise Conflict("尚无评审评分，不能确认。")
    application.decision_note = note
    application.recheck_year = application.round.year + application.round.recheck_years if confirm else None
    HOME_FLOW.apply(application, action, by=by, reason=note, extra_update_fields=["decision_note", "recheck_year"])
    return application


@transaction.atomic
def round_publish_list(*, round: Round, by) -> Round:
    """→ 已公布名单, once every application of the year has been decided; the list is then final.
    A round still 申报中 is closed first (its history shows 申报中 → 评审中 → 已公布名单)."""
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    if round_.status == R.OPEN:
        ROUND_FLOW.check("close", state=round_.status, user=by)
    else:
        ROUND_FLOW.check("publish_list", state=round_.status, user=by)
    undecided = round_.applications.filter(status=H.SUBMITTED).count()
    if undecided:
        raise Conflict(f"还有 {undecided} 份申报尚未确认或不予确认，不能公布名单。")
    if round_.status == R.OPEN:
        ROUND_FLOW.apply(round_, "close", by=by, reason="公布名单")
    confirmed = round_.applications.filter(status=H.CONFIRMED).count()
    ROUND_FLOW.apply(round_, "publish_list", by=by, reason=f"确认 {confirmed} 个先进教职工之家（小家）")
    return round_


@transaction.atomic
def material_attach(*, application: HomeApplication, by, upload):
    from shared.uploads import check_upload

    check_upload(upload)
    if application.status != H.SUBMITTED:
        raise Conflict(f"申报当前状态为“{application.get_status_display()}”，不能再添加材料。")
    material = application.materials.create(file=upload, name=upload.name[:200], size=upload.size)
    audit_create(actor=by, target=material, fields=["application", "name", "size"])
    return material
