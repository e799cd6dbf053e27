from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from shared.subsidies.models import Application
from tenants.finance.models import IncomeCategory, LedgerEntry
from tenants.finance.services import ledger_record_platform_entry
from tenants.tasks import SchoolTask


@shared_task(base=SchoolTask, name="shared.subsidies.tasks.record_subsidy_income",
             autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def record_subsidy_income(application_id: int) -> bool:
    """In the receiving school's schema: the disbursed subsidy becomes an approved 上级补助收入 entry.
    Running it twice writes one entry. Returns whether it wrote one."""
    from django.db import connection

    application = Application.objects.select_related("programme", "school").get(pk=application_id)
    if application.school.schema_name != connection.schema_name:
        raise RuntimeError("补助入账任务只能在申报学校的架构中运行。")
    _, created = ledger_record_platform_entry(
        source_ref=f"subsidy:{application.pk}", kind=LedgerEntry.Kind.INCOME,
        category=IncomeCategory.HIGHER_SUBSIDY, amount=application.allocated_amount,
        occurred_on=timezone.localtime(application.disbursed_at).date(),
        description=f"自治区教育工会补助：{application.programme.title}（{application.project}）",
    )
    return created
