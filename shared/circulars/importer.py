"""Reading a 工作要点 notice (text copied from a PDF or Word file) into its structure.

    parse_work_points(text) -> {"title", "plan_title", "doc_number", "issuer", "issued_on",
                                "sections": [{"number", "title", "items": [{"number", "title", "body"}]}],
                                "calendar": [{"month", "months", "tasks": [...]}]}

What it copes with, as found in real notices:
- numbering 一、 for sections; （一） / (一) / 1. / 1、 / "- 1." for items (a section's first numbered
  line decides its item level; deeper numbering stays in the item's body); unnumbered paragraphs
  become items with number null;
- a section heading that lost its numeral (a short comma-separated line with no full stop between
  two paragraphs) takes the next numeral;
- lines broken mid-sentence and page-break debris (- 3 -, 第 3 页, 3/12, lone page numbers) are
  rejoined or dropped;
- a month-by-month calendar (行事历) with months such as 二月, 七-八月, 9月;
- dates in Arabic or Chinese numerals; an impossible date (e.g. 十月五十日) is not used; the
  issue date is then the 印发 date if the notice states one, otherwise null — never a guess.
Text that has no section structure raises NotWorkPoints with the reason.
"""
from __future__ import annotations

import datetime
import re

CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_NUMERALS = "一二三四五六七八九十"
SECTION = re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、.．]\s*(.+)$")
ITEM_CN = re.compile(r"^[（(]\s*([一二三四五六七八九十]{1,3})\s*[)）]\s*(.*)$")
ITEM_NUM = re.compile(r"^(?:[-•·‐–—]\s*)?(?:[（(]\s*(\d{1,2})\s*[)）]|(\d{1,2})\s*(?:[.．、](?![0-9])|[)）]))\s*(.*)$")
MONTH = re.compile(r"^((?:十[一二]?|[一二三四五六七八九]|1[0-2]|[1-9])"
                   r"(?:\s*[-—–~～至、]\s*(?:十[一二]?|[一二三四五六七八九]|1[0-2]|[1-9]))?)\s*月份?(?:\s+(.*)|$)")
CALENDAR_HEADING = re.compile(r"行事历|工作日程|月份?工作安排|工作安排表|工作计划表")
DEBRIS = [re.compile(p) for p in (r"^[-—–‐\s]*\d{1,3}[-—–‐\s]*$", r"^第\s*\d+\s*页(\s*[,，]?\s*共\s*\d+\s*页)?$",
                                  r"^\d+\s*/\s*\d+$", r"^共\s*\d+\s*页$")]
DOC_NUMBER = re.compile(r"([\u4e00-\u9fa5]{1,12}\s*[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]\s*第?\s*\d{1,4}\s*号)")
ARABIC_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
CN_DATE = re.compile(r"([〇零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日")
TERMINAL = tuple("。！？；…”」』）)") + (":", "：")
CJK = r"[\u4e00-\u9fff《》“”（）、，。：；,]"
# Full-width digits, letters and the ideographic space become ASCII; Chinese punctuation stays as written.
WIDTH = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF5B) if chr(code).isalnum()} | {0x3000: 0x20}


class NotWorkPoints(ValueError):
    """The text is not a work-points notice; the message says why (in Chinese)."""


def _cn_number(text: str) -> int:
    """一 … 九十九 or Arabic digits; anything else (一一, 十十) raises ValueError."""
    if text.isascii() and text.isdigit():
        return int(text)
    match = re.fullmatch(r"([一二三四五六七八九]?)(十?)([一二三四五六七八九]?)", text)
    if not text or not match or (match.group(1) and not match.group(2) and match.group(3)):
        raise ValueError(f"not a Chinese number: {text}")
    tens, ten, ones = match.groups()
    if ten:
        return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)
    return CN_DIGITS[tens or ones]


def _numeral(n: int) -> str:
    if n <= 10:
        return "十" if n == 10 else CN_NUMERALS[n - 1]
    return ("" if n < 20 else CN_NUMERALS[n // 10 - 1]) + "十" + (CN_NUMERALS[n % 10 - 1] if n % 10 else "")


def _squeeze(text: str) -> str:
    """Remove the spaces PDF copying puts between Chinese characters (and around digits among them)."""
    text = re.sub(rf"(?<={CJK})\s+(?={CJK})", "", text)
    text = re.sub(rf"(?<={CJK})\s+(?=[0-9])", "", text)
    return re.sub(rf"(?<=[0-9])\s+(?={CJK})", "", text).strip()


def _clean_lines(text: str) -> list[str]:
    text = text.translate(WIDTH).replace("\r\n", "\n").replace("\r", "\n")
    lines = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line or any(p.match(line) for p in DEBRIS):
            continue
        lines.append(line)
    return lines


def _date_in(text: str) -> tuple[datetime.date | None, bool]:
    """(date, found): found is True when a date was written, even an impossible one."""
    for pattern, convert in ((ARABIC_DATE, int), (CN_DATE, None)):
        match = pattern.search(text)
        if not match:
            continue
        if convert:
            year, month, day = (int(g) for g in match.groups())
        try:
            if not convert:
                year = int("".join(str(CN_DIGITS[c]) for c in match.group(1)))
                month, day = _cn_number(match.group(2)), _cn_number(match.group(3))
            return datetime.date(year, month, day), True
        except ValueError:  # 十月五十日, 十十月: a date was written, but not a real one
            return None, True
    return None, False


def _header(lines: list[str], first_section: int) -> dict:
    header = lines[:first_section]
    joined = "\n".join(header)
    doc_number = None
    match = DOC_NUMBER.search(joined)
    if match:
        doc_number = re.sub(r"\s+", "", match.group(1))
    title = next((_squeeze(line) for line in header if line.startswith("关于") and "通知" in line.replace(" ", "")),
                 None)
    plan_title = next((_squeeze(line) for line in header
                       if re.search(r"(工作)?(要点|计划|意见)$", _squeeze(line)) and not line.startswith(("关于", "《"))
                       and len(line) <= 40), None)
    issuer, issued_on = None, None
    start = next((i for i, line in enumerate(header) if line.startswith("关于")), 0)
    for index in range(start, len(header)):
        line = header[index]
        date, found = _date_in(line)
        if not found or "印发" in line:
            continue
        before = _squeeze(re.split(r"[0-9〇零一二三四五六七八九]{4}\s*年", line)[0])
        candidate = before or (header[index - 1] if index > 0 else "")
        candidate = re.sub(r"[（(]\s*代?\s*章\s*[)）]", "", _squeeze(candidate)).strip()
        if candidate and len(candidate) <= 30 and not candidate.startswith(("《", "各")):
            issuer = candidate
        issued_on = date
        break
    if issued_on is None:
        printed = next((line for line in header if "印发" in line and _date_in(line)[0]), None)
        if printed:
            issued_on = _date_in(printed)[0]
    if issuer is None:
        match = re.search(r"^(.{2,30}?)文件$", header[0]) if header else None
        issuer = _squeeze(match.group(1)) if match else None
    return {"title": title or plan_title, "plan_title": plan_title, "doc_number": doc_number, "issuer": issuer,
            "issued_on": issued_on.isoformat() if issued_on else None}


def _looks_like_lost_heading(line: str) -> bool:
    return (8 <= len(line) <= 40 and not re.search(r"[。；：:！？]", line) and ("，" in line or "," in line)
            and not line.endswith(TERMINAL) and not ITEM_CN.match(line) and not ITEM_NUM.match(line))


def _split_title(text: str) -> tuple[str, str]:
    text = _squeeze(text)
    head, sep, rest = text.partition("。")
    return (head, rest.strip()) if sep else (text, "")


def parse_work_points(text: str) -> dict:
    if not isinstance(text, str) or not text.strip():
        raise NotWorkPoints("文本为空。")
    try:
        result = _parse(text)
    except NotWorkPoints:
        raise
    except Exception as exc:  # whatever the text, the caller gets a reason, never a crash
        raise NotWorkPoints(f"无法识别这份通知的结构（{type(exc).__name__}）。") from exc
    if not any(section["items"] for section in result["sections"]):
        raise NotWorkPoints("找到了章节标题，但没有任何工作要点条目：这不像一份工作要点通知。")
    return result


def _is_calendar_heading(lines: list[str], index: int) -> bool:
    """A 行事历 heading (possibly a numbered section, 五、工作行事历): short, not an item, followed by a month."""
    line = lines[index]
    if len(line) > 40 or not CALENDAR_HEADING.search(line):
        return False
    if ITEM_CN.match(line) or ITEM_NUM.match(line):  # an item that mentions 工作安排 is still an item
        return False
    following = lines[index + 1] if index + 1 < len(lines) else ""
    month = MONTH.match(following)
    return bool(month and _month_numbers(month.group(1)))


def _parse(text: str) -> dict:
    lines = _clean_lines(text)
    first_section = next((i for i, line in enumerate(lines) if SECTION.match(line)), None)
    if first_section is None:
        raise NotWorkPoints("没有找到“一、”这样的章节标题：这不像一份工作要点通知。")
    result = _header(lines, first_section)

    sections, calendar = [], []
    section = item = None
    item_style = None
    in_calendar = False
    previous_complete = True  # did the last paragraph end a sentence?

    def open_item(number, body_text):
        nonlocal item
        title, body = _split_title(body_text)
        item = {"number": number, "title": title, "body": body}
        section["items"].append(item)

    body = lines[first_section:]
    for index, line in enumerate(body):
        if in_calendar or _is_calendar_heading(body, index):
            if not in_calendar:
                in_calendar = True
                continue
            month = MONTH.match(line)
            if month and _month_numbers(month.group(1)):
                calendar.append({"month": re.sub(r"\s+", "", month.group(1)) + "月",
                                 "months": _month_numbers(month.group(1)),
                                 "tasks": [_squeeze(month.group(2))] if month.group(2) else []})
            elif calendar:
                calendar[-1]["tasks"].append(_squeeze(line))
            continue

        match = SECTION.match(line)
        lost = (section is not None and previous_complete and item is not None and _looks_like_lost_heading(line))
        if match or lost:
            number = match.group(1) if match else _next_numeral(section["number"], len(sections))
            section = {"number": number, "title": _squeeze(match.group(2) if match else line), "items": []}
            sections.append(section)
            item, item_style, previous_complete = None, None, True
            continue
        cn, num = ITEM_CN.match(line), ITEM_NUM.match(line)
        style = "cn" if cn else "num" if num else None
        if style and item_style in (None, style):
            item_style = style
            if cn:
                open_item(f"（{cn.group(1)}）", cn.group(2))
            else:
                open_item(num.group(1) or num.group(2), num.group(3))
        elif item is not None and not previous_complete:  # the rest of a line broken mid-sentence
            if item["body"]:
                item["body"] += line
            else:
                item["title"], item["body"] = _split_title(item["title"] + line)
        elif item is not None and (style or item_style):  # deeper numbering, or a paragraph of this item
            item["body"] = (item["body"] + "\n" + _squeeze(line)).strip()
        else:  # an unnumbered paragraph: in a section without numbering, each one is an item
            open_item(None, line)
        previous_complete = line.endswith(TERMINAL)

    for section in sections:
        for entry in section["items"]:
            entry["title"], entry["body"] = _squeeze(entry["title"]), _squeeze(entry["body"])
    result["sections"] = sections
    result["calendar"] = calendar
    return result


def _next_numeral(previous: str, count: int) -> str:
    try:
        return _numeral(_cn_number(previous) + 1)
    except ValueError:
        return _numeral(count + 1)


def _month_numbers(token: str) -> list[int]:
    parts = [p for p in re.split(r"\s*[-—–~～至、]\s*", token) if p]
    try:
        numbers = [_cn_number(p) for p in parts]
    except ValueError:
        return []
    if not all(1 <= n <= 12 for n in numbers):
        return []
    if len(numbers) == 2 and numbers[1] > numbers[0]:
        return list(range(numbers[0], numbers[1] + 1))
    return numbers


def read_month(label: str) -> tuple[str, list[int]] | None:
    """A calendar month as a person writes it (3月, 七-八月, 9 月份) → (its label, its month numbers),
    or None when it is not a month (十三月, 8-7月 reads as [8, 7] as the importer does)."""
    match = MONTH.match(re.sub(r"\s+", "", (label or "").translate(WIDTH)))
    if not match or match.group(2):
        return None
    numbers = _month_numbers(match.group(1))
    return (match.group(1) + "月", numbers) if numbers else None
