"""Personal data never reaches the logs: ID numbers and mobile numbers are masked on the way out."""
import logging
import re

# Not preceded by a digit or a decimal point: the fraction of a timing is not an ID number.
ID_NUMBER = re.compile(r"(?<![\d.])(\d{6})\d{8}(\d{3}[\dXx])(?!\d|\.\d)")
MOBILE = re.compile(r"(?<![\d.])(1[3-9]\d)\d{4}(\d{4})(?!\d|\.\d)")


def mask_personal_data(text: str) -> str:
    text = ID_NUMBER.sub(lambda m: m.group(1)[:4] + "*" * 10 + m.group(2), text)
    return MOBILE.sub(lambda m: m.group(1) + "****" + m.group(2), text)


class MaskPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_data(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
