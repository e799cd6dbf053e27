"""ID numbers: checked by GB 11643, encrypted at rest, masked everywhere, revealed once with audit."""
import pytest
from django.db import connection

from tenants import personal_data
from tenants.logging import mask_personal_data
from tests.members.factories import valid_id_number


def test_a_valid_id_number_passes_and_gives_its_birth_date():
    number = valid_id_number("19850312")
    assert personal_data.id_number_problem(number) is None
    assert personal_data.birth_date_of(number).isoformat() == "1985-03-12"


@pytest.mark.parametrize("number, message", [
    ("45030519850312123", "18 位"),
    ("4503051985031212AX", "18 位"),
    ("450305" + "19851332" + "1234", "出生日期"),
    ("450305" + "20991212" + "1234", "出生日期"),
])
def test_bad_id_numbers_are_explained(number, message):
    assert message in personal_data.id_number_problem(number)


def test_a_wrong_check_digit_is_caught():
    number = valid_id_number()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    assert "校验位" in personal_data.id_number_problem(wrong)


def test_a_number_registered_in_a_district_younger_than_its_holder_is_accepted():
    # 七星区 (450305) dates from 1983; people born before then were registered there all the same.
    assert personal_data.id_number_problem(valid_id_number("19600101")) is None


def test_a_region_code_that_never_existed_is_refused():
    number = personal_data.id_number_with_check_digit("99999919850312123")
    assert "前 6 位" in personal_data.id_number_problem(number)


def test_a_wrong_date_is_named_before_a_wrong_check_digit():
    # GB 11643's check digit over a mistyped date is wrong too; the date is what a person can check.
    assert "出生日期" in personal_data.id_number_problem("450305" + "19850230" + "1234")


def test_decrypting_with_a_key_that_did_not_encrypt_raises_instead_of_answering_empty(settings):
    settings.PERSONAL_DATA_KEY = "the-key-of-2025"
    stored = personal_data.encrypt(valid_id_number())
    settings.PERSONAL_DATA_KEY = "the-key-of-2026"
    with pytest.raises(personal_data.PersonalDataUnreadable) as raised:
        personal_data.decrypt(stored)
    assert valid_id_number() not in str(raised.value)


def test_several_keys_newest_first_read_old_data_and_write_with_the_newest(settings):
    settings.PERSONAL_DATA_KEY = "old-key"
    old = personal_data.encrypt(valid_id_number())
    settings.PERSONAL_DATA_KEY = "new-key, old-key"
    assert personal_data.decrypt(old) == valid_id_number() and not personal_data.is_current(old)
    fresh = personal_data.encrypt(valid_id_number())
    assert personal_data.is_current(fresh)
    settings.PERSONAL_DATA_KEY = "new-key"
    assert personal_data.decrypt(fresh) == valid_id_number()


def test_the_blind_index_does_not_move_when_encryption_keys_rotate(settings):
    settings.PERSONAL_DATA_KEY = "first-key"
    index = personal_data.blind_index(valid_id_number())
    settings.PERSONAL_DATA_KEY = "second-key,first-key"
    assert personal_data.blind_index(valid_id_number()) == index
    settings.PERSONAL_DATA_KEY, settings.PERSONAL_DATA_INDEX_KEY = "third-key,second-key", "first-key"
    assert personal_data.blind_index(valid_id_number()) == index


def test_masks():
    assert personal_data.mask_id_number("450305198503121234") == "4503**********1234"
    assert personal_data.mask_phone("13812345678") == "138****5678"


def test_stored_form_does_not_contain_the_number_in_clear():
    number = valid_id_number()
    stored = personal_data.encrypt(number)
    assert number not in stored and personal_data.decrypt(stored) == number
    assert personal_data.blind_index(number) == personal_data.blind_index(number) != number


def test_log_lines_never_carry_id_numbers_or_phones():
    line = mask_personal_data(f"导入 {valid_id_number()} 电话 13812345678")
    assert valid_id_number() not in line and "13812345678" not in line


def test_a_database_dump_of_a_member_holds_no_clear_id_number(guilin):
    from tests.members.factories import a_member

    number = valid_id_number("19900101", "555")
    member = a_member(guilin, id_number=number)
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(m)::text FROM school_guilin.members_member m WHERE id = %s", [member.pk])
        row = cursor.fetchone()[0]
    assert number not in row and number[6:14] not in row.replace("1990-01-01", "")


def test_the_configured_log_handler_masks_personal_data():
    import logging

    from tenants.logging import MaskPersonalDataFilter

    handlers = [h for h in logging.getLogger("django").handlers + logging.getLogger().handlers
                if any(isinstance(f, MaskPersonalDataFilter) for f in h.filters)]
    assert handlers, "the console handler carries the masking filter"
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "bad request from %s",
                               ("13812345678",), None)
    for handler in handlers:
        for log_filter in handler.filters:
            log_filter.filter(record)
    assert "13812345678" not in record.getMessage() and "138****5678" in record.getMessage()


def test_masking_leaves_timings_and_amounts_alone():
    line = "task succeeded in 0.021384756291837461843s, amount 13812345678.50"
    assert mask_personal_data("task succeeded in 0.021384756291837461843s") == "task succeeded in 0.021384756291837461843s"
    assert "13812345678" in mask_personal_data(line)
    assert mask_personal_data("call 13812345678.") == "call 138****5678."
