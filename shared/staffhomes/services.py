"""先进教职工之家 confirmation: apply with a self-assessment, reviewers score, inspect, confirm a list."""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg
from django.utils import timezone

from shared.staffhomes.models import Criterion, HomeApplication, Inspection, ReviewScore, Round
from tenants.accounts.roles import Role
from tenants.audit.services import actor_name, audit_create, audit_record, audit_update, field_values
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
    .add("publish_list", label="公布名单", sources={R.OPEN}, target=R.CONFIRMED, roles={Role.PROVINCE_ADMIN})
)
DEFAULT_CRITERIA = [("规范", "组织健全、制度完善、教代会规范"), ("和谐", "民主管理、劳动关系和谐"),
                    ("温暖", "帮扶慰问、关心教职工生活"), ("平安", "安全稳定、维护权益"), ("创新", "工作特色与创新")]


def ensure_default_criteria() -> None:
    if not Criterion.objects.exists():
        for order, (name, description) in enumerate(DEFAULT_CRITERIA):
            Criterion.objects.create(name=name, description=description, max_score=Decimal("20"), order=order)


CRITERION_FIELDS = ["name", "description", "max_score", "order"]


def _checked_criterion(criterion: Criterion) -> None:
    criterion.name = (criterion.name or "").strip()
    if not criterion.name:
        raise ValidationError({"name": "标准名称不能为空。"})
    criterion.max_score = decimal_in_range(criterion.max_score, field="max_score", low=1, high=100, label="满分")
    if Criterion.objects.filter(name=criterion.name).exclude(pk=criterion.pk).exists():
        raise Conflict(f"建家标准“{criterion.name}”已存在。", field="name")


@transaction.atomic
def criterion_create(*, by, name: str, max_score, description: str = "", order: int = 0) -> Criterion:
    criterion = Criterion(name=name, description=description, max_score=max_score, order=order)
    _checked_criterion(criterion)
    criterion.save()
    audit_create(actor=by, target=criterion, fields=CRITERION_FIELDS)
    return criterion


@transaction.atomic
def criterion_update(*, criterion: Criterion, by, **fields) -> Criterion:
    before = field_values(criterion, CRITERION_FIELDS)
    for key, value in fields.items():
        if key not in CRITERION_FIELDS:
            raise ValidationError({key: "该字段不能修改。"})
        setattr(criterion, key, value)
    _checked_criterion(criterion)
    criterion.save()
    audit_update(actor=by, target=criterion, before=before)
    return criterion


@transaction.atomic
def round_create(*, by, year: int, title: str, opens_at, closes_at, recheck_years: int = 3) -> Round:
    errors = {}
    if not 2000 <= year <= 2100:
        errors["year"] = "年度应在 2000 到 2100 之间。"
    if not 1 <= recheck_years <= 10:
        errors["recheck_years"] = "复查年限应在 1 到 10 年之间。"
    if closes_at <= opens_at:
        errors["closes_at"] = "申报截止必须晚于开始。"
    if not (title or "").strip():
        errors["title"] = "名称不能为空。"
    if errors:
        raise ValidationError(errors)
    ensure_default_criteria()
    round_ = Round.objects.create(year=year, title=title.strip(), opens_at=opens_at, closes_at=closes_at,
                                  recheck_years=recheck_years)
    audit_create(actor=by, target=round_, fields=["year", "title", "opens_at", "closes_at", "recheck_years"])
    return round_


def checked_scores(scores, field: str) -> tuple[dict, Decimal]:
    """{criterion id: score} within each criterion's maximum, for every criterion; returns (scores, total)."""
    criteria = {str(c.pk): c for c in Criterion.objects.all()}
    if not isinstance(scores, dict) or set(map(str, scores)) != set(criteria):
        names = "、".join(c.name for c in criteria.values())
        raise ValidationError({field: f"须为每项标准打分（{names}），键为标准编号。"})
    cleaned, total = {}, Decimal("0")
    for key, value in scores.items():
        criterion = criteria[str(key)]
        number = decimal_in_range(value, field=field, low=0, high=criterion.max_score,
                                  label=f"“{criterion.name}”的分数")
        cleaned[str(key)] = str(number)
        total += number
    return cleaned, total


@transaction.atomic
def application_submit(*, by, round: Round, school: School, level: str, unit_name: str, self_scores,
                       self_assessment: str) -> HomeApplication:
    now = timezone.now()
    if round.status != Round.Status.OPEN or not round.opens_at <= now <= round.closes_at:
        raise Conflict(f"“{round.title}”不在申报时间内。")
    if not (unit_name or "").strip():
        raise ValidationError({"unit_name": "申报单位不能为空。"})
    if not (self_assessment or "").strip():
        raise ValidationError({"self_assessment": "请填写自评报告。"})
    scores, _ = checked_scores(self_scores, "self_scores")
    if HomeApplication.objects.filter(round=round, school=school, unit_name=unit_name.strip()).exists():
        raise Conflict(f"{unit_name}已申报过本年度。", field="unit_name")
    application = HomeApplication.objects.create(round=round, school=school, level=level,
                                                 unit_name=unit_name.strip(), self_scores=scores,
                                                 self_assessment=self_assessment.strip(), submitted_by=actor_name(by))
    audit_create(actor=by, target=application, fields=["round", "school", "level", "unit_name"])
    return application


@transaction.atomic
def review_submit(*, application: HomeApplication, by, scores, comment: str = "") -> ReviewScore:
    if application.status != H.SUBMITTED:
        raise Conflict(f"申报当前状态为“{application.get_status_display()}”，不能再评分。")
    cleaned, total = checked_scores(scores, "scores")
    review, _ = ReviewScore.objects.update_or_create(
        application=application, reviewer=actor_name(by),
        defaults={"scores": cleaned, "total": total, "comment": comment, "scored_at": timezone.now()})
    average = application.reviews.aggregate(avg=Avg("total"))["avg"]
    application.review_total = Decimal(average).quantize(Decimal("0.01"))
    application.save(update_fields=["review_total"])
    audit_record(actor=by, action="update", target=application, changes={"review": str(total)}, reason=comment)
    return review


@transaction.atomic
def inspection_record(*, application: HomeApplication, by, inspected_on, inspectors: str, notes: str) -> Inspection:
    if not (notes or "").strip():
        raise ValidationError({"notes": "请填写检查情况。"})
    inspection = application.inspections.create(inspected_on=inspected_on, inspectors=inspectors, notes=notes)
    audit_create(actor=by, target=inspection, fields=["application", "inspected_on", "inspectors"])
    return inspection


@transaction.atomic
def application_decide(*, application: HomeApplication, by, confirm: bool, note: str = "") -> HomeApplication:
    application = HomeApplication.objects.select_for_update().select_related("round").get(pk=application.pk)
    action = "confirm" if confirm else "not_confirm"
    HOME_FLOW.check(action, state=application.status, user=by, reason=note)
    if application.round.status != R.OPEN:
        raise Conflict(f"“{application.round.title}”已{application.round.get_status_display()}，不能再改变确认结果。")
    if confirm and not application.reviews.exists():
        raise Conflict("尚无评审评分，不能确认。")
    application.decision_note = note
    application.recheck_year = application.round.year + application.round.recheck_years if confirm else None
    HOME_FLOW.apply(application, action, by=by, reason=note, extra_update_fields=["decision_note", "recheck_year"])
    return application


@transaction.atomic
def round_publish_list(*, round: Round, by) -> Round:
    """申报中 → 已公布名单, once every application of the year has been decided; the list is then final."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    ROUND_FLOW.check("publish_list", state=round.status, user=by)
    undecided = round.applications.filter(status=H.SUBMITTED).count()
    if undecided:
        raise Conflict(f"还有 {undecided} 份申报尚未确认或不予确认，不能公布名单。")
    confirmed = round.applications.filter(status=H.CONFIRMED).count()
    ROUND_FLOW.apply(round, "publish_list", by=by, reason=f"确认 {confirmed} 个先进教职工之家（小家）")
    return round


def confirmed_list(*, year: int | None = None):
    rows = HomeApplication.objects.filter(status=H.CONFIRMED).select_related("school", "round")
    return rows.filter(round__year=year) if year else rows


def due_for_recheck(*, year: int):
    return confirmed_list().filter(recheck_year__lte=year)


@transaction.atomic
def material_attach(*, application: HomeApplication, by, upload):
    from shared.uploads import check_upload

    check_upload(upload)
    if application.status != H.SUBMITTED:
        raise Conflict(f"申报当前状态为“{application.get_status_display()}”，不能再添加材料。")
    material = application.materials.create(file=upload, name=upload.name[:200], size=upload.size)
    audit_create(actor=by, target=material, fields=["application", "name", "size"])
    return material
