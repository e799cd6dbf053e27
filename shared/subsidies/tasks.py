import logging

from celery import shared_task
from django.db import OperationalError, transaction
from django.utils import timezone

from shared.subsidies.models import Application
from tenants.finance.models import IncomeCategory, LedgerEntry
from tenants.finance.services import ledger_record_platform_entry
from tenants.outbox.tasks import OutboxSchoolTask

logger = logging.getLogger(__name__)


@shared_task(base=OutboxSchoolTask, name="shared.subsidies.tasks.record_subsidy_income",
             autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def record_subsidy_income(application_id: int) -> bool:
    """In the receiving school's schema: the disbursed subsidy becomes an approved 上级补助收入 entry
    (the school's own ledger service), and the application gets the school's receipt — both in one
    transaction. Running it twice writes one entry and one receipt (the ledger's source_ref), and a
    message from the outbox runs it once (OutboxSchoolTask). Returns whether it wrote the entry."""
    from django.db import connection

    from shared.subsidies.services import application_income_recorded

    application = Application.objects.select_related("programme", "school").get(pk=application_id)
    if application.school.schema_name != connection.schema_name:
        raise RuntimeError("补助入账任务只能在申报学校的架构中运行。")
    with transaction.atomic():
        # locked: the status checked is the status the entry is booked under
        application = Application.objects.select_for_update(of=("self",)).select_related(
            "programme", "school").get(pk=application_id)
        if application.status not in (Application.Status.DISBURSED, Application.Status.REPORTED) \
                or application.disbursed_at is None:
            # a stale message (the application was rewound by a restore, or never disbursed): no
            # income for money not paid; ids and status only in the log
            logger.warning("补助入账任务跳过：申请 %s 状态为 %s，未拨付。", application.pk, application.status)
            return False
        entry, created = ledger_record_platform_entry(
            source_ref=f"subsidy:{application.pk}", kind=LedgerEntry.Kind.INCOME,
            category=IncomeCategory.HIGHER_SUBSIDY, amount=application.allocated_amount,
            occurred_on=timezone.localtime(application.disbursed_at).date(),
            description=f"自治区教育工会补助：{application.programme.title}（{application.project}）",
            source_id=application.pk,
        )
        application_income_recorded(application_id=application.pk, entry_id=entry.pk)
    return created
