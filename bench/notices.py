"""bench/notices.py [N] — publish a notice to N (default 5,000) active members, half with accounts.

The real services (tenants.notices): publish = the recipients' snapshot (bulk_create), a 站内通知 to
every member with an account (bulk_create), the transition and its audit, in one transaction; then
the receipts per branch, the first page per person, the 「提醒未读人员」 and the daily task. Goal: publish
≤ 3 s for 5,000; receipts ≤ 0.2 s.
"""
import datetime
import statistics
import sys
import time

from common import make_school_schema, setup_django

RUNS = 3


def main(count: int) -> None:
    setup_django()
    from django.db import connection
    from django_tenants.utils import schema_context

    from tenants.accounts.models import Notification, User
    from tenants.accounts.roles import Role
    from tenants.accounts.services import user_create
    from tenants.members.models import Branch, Member
    from tenants.notices import selectors as q
    from tenants.notices import services as s
    from tenants.notices.models import Notice, NoticeRecipient

    make_school_schema("notices", use_template=True)
    timings, receipts, people, reminds = [], [], [], []
    with schema_context("school_notices"):
        branches = [Branch.objects.create(name=f"分工会{i}", sort_order=i) for i in range(20)]
        users = User.objects.bulk_create([User(username=f"m{n}", roles=[Role.MEMBER], password="!")
                                          for n in range(count // 2)], batch_size=2000)
        Member.objects.bulk_create([
            Member(name=f"会员{n}", gender="female", employee_number=f"E{n:06d}", branch=branches[n % 20],
                   employment_type="staff", join_date=datetime.date(2010, 9, 1), phone="13812345678",
                   user=users[n] if n < len(users) else None) for n in range(count)], batch_size=2000)
        office, _ = user_create(username="office", password="Bench-pass-2026", roles=[Role.UNION_ADMIN], by=None)
        for run in range(RUNS):
            started = time.perf_counter()
            notice = s.notice_create(by=office, title=f"关于教职工体检的通知 {run + 1}", body="正文", publish=True)
            timings.append(time.perf_counter() - started)
            NoticeRecipient.objects.filter(notice=notice, member_id__in=Member.objects.filter(
                employee_number__endswith="3").values("pk")).update(read_at=notice.published_at)
            started = time.perf_counter()
            figures = q.receipts_per_branch(notice)
            receipts.append(time.perf_counter() - started)
            assert sum(r.recipients for r in figures) == count
            started = time.perf_counter()
            page = list(q.recipients_in(notice).filter(read_at__isnull=True)[:30])
            people.append(time.perf_counter() - started)
            assert len(page) == 30
            started = time.perf_counter()
            s.notice_remind(notice=notice, by=office)
            reminds.append(time.perf_counter() - started)
        Notice.objects.update(read_by=datetime.date.today())
        started = time.perf_counter()
        assert s.remind_due_notices() == RUNS
        daily = time.perf_counter() - started
        assert Notification.objects.count() > count // 2 * RUNS
    connection.set_schema_to_public()

    def line(label, values):
        return f"{label}: median {statistics.median(values) * 1000:.0f} ms (runs: {', '.join(f'{v * 1000:.0f}' for v in values)} ms)"

    print(f"{count} members, {count // 2} with accounts, 20 branches")
    print(line("publish (snapshot + notifications + audit)", timings))
    print(line("receipts per branch", receipts))
    print(line("first page of unread people", people))
    print(line("提醒未读人员", reminds))
    print(f"daily task over {RUNS} due notices: {daily * 1000:.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
