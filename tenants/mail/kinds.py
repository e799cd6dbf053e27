"""What kind of notification a message is, for a person's e-mail preferences: 待办 (something to do),
逾期提醒 (something overdue or a reminder), 办理结果 (how something of theirs turned out).

A caller of `notify` may say `kind=`; otherwise the message's own words decide (every existing
notification begins or reads the way its kind does: 【逾期提醒】/【督办】/提醒：…, 已收到答复/未获
同意/已公布…). Anything else is a to-do: the safe default, since to-dos are what people most want.
"""
from __future__ import annotations

from django.db import models


class Kind(models.TextChoices):
    TODO = "todo", "待办事项"
    REMINDER = "reminder", "逾期提醒"
    RESULT = "result", "办理结果"


REMINDER_WORDS = ("逾期", "督办", "提醒", "超过办理期限", "已超过")
RESULT_WORDS = ("已收到答复", "已有答复", "已答复", "未获", "未通过", "已通过", "已公布", "获评", "入选", "已确定", "已取消",
                "异议成立", "的报名：", "递补", "已转报", "已加入", "已批准", "已驳回", "已退回", "已发放", "已核准", "已支付")


def kind_of(message: str) -> str:
    if any(word in message for word in REMINDER_WORDS):
        return Kind.REMINDER
    if any(word in message for word in RESULT_WORDS):
        return Kind.RESULT
    return Kind.TODO
