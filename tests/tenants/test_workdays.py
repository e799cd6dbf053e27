"""China's working-day calendar, as a 公示 period is counted."""
import datetime

from tenants.workdays import add_working_days, calendar_covers, is_working_day, next_working_day, working_days_between

D = datetime.date


def test_a_five_day_publicity_from_before_national_day_skips_the_whole_golden_week():
    # 28, 29, 30 September, then 8 and 9 October: 1–7 October are the holiday
    assert add_working_days(D(2026, 9, 28), 5) == D(2026, 10, 9)


def test_an_adjusted_saturday_is_a_working_day_and_an_ordinary_one_is_not():
    assert is_working_day(D(2026, 10, 10))       # 调休上班
    assert not is_working_day(D(2026, 10, 17))   # an ordinary Saturday
    assert not is_working_day(D(2026, 10, 1))    # 国庆


def test_a_period_starting_on_a_holiday_begins_on_the_next_working_day():
    assert next_working_day(D(2026, 10, 3)) == D(2026, 10, 8)
    assert add_working_days(D(2026, 10, 3), 1) == D(2026, 10, 8)


def test_working_days_are_counted_inclusively():
    assert working_days_between(D(2026, 9, 28), D(2026, 10, 9)) == 5
    assert working_days_between(D(2026, 10, 9), D(2026, 10, 8)) == 0


def test_a_year_whose_holidays_are_not_published_counts_monday_to_friday_and_says_so():
    assert calendar_covers(2026)
    assert not calendar_covers(2099)
    assert add_working_days(D(2099, 1, 2), 5) == D(2099, 1, 8)  # Fri 2 → Thu 8, the weekend skipped
