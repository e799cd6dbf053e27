"""bench/provision.py N — per-school provisioning time: template snapshot replay vs migrations.

Both paths run on the same machine and database in one run, alternating so neither gets the
warmer cache. Also times the whole service (row, schema, domain, first admin with the production
password hasher, audit) on the template path.
"""
import sys
import time

from common import median_ms, make_school_schema, setup_django, table_count


def main(count: int) -> None:
    setup_django()
    from tenants.services import school_provision

    replay, migrate = [], []
    for i in range(count):
        replay.append(make_school_schema(f"tpl{i}", use_template=True))
        migrate.append(make_school_schema(f"mig{i}", use_template=False))
    end_to_end = []
    for i in range(min(count, 5)):
        started = time.perf_counter()
        school_provision(slug=f"full{i}", name=f"完整开通{i}", by=None, admin_password="Bench-pass-2026")
        end_to_end.append(time.perf_counter() - started)

    print(f"schools per path: {count}; tables per school schema: {table_count('school_tpl0')}")
    print(f"template replay   median {median_ms(replay):8.1f} ms")
    print(f"plain migrations  median {median_ms(migrate):8.1f} ms")
    print(f"ratio (migrations / replay): {median_ms(migrate) / median_ms(replay):.1f}x")
    print(f"whole provisioning service (template path, PBKDF2 admin password) median "
          f"{median_ms(end_to_end):.1f} ms over {len(end_to_end)}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
