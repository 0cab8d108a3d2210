"""Chinese words for the reader: form labels for data fields and sentences for mistakes.

Kept in one place so the calculator, the statement check and shared links word
the same mistake the same way.
"""

from __future__ import annotations

from calculator.core.channels import SHORT_NAMES
from calculator.core.errors import DataError

_FIELD_WORDS = {
    "rate_percent": "费率",
    "cap": "封顶",
    "min": "最低收费",
    "fixed": "每笔加收",
    "up_to": "分段金额",
    "annual_fee": "年费（流量费/服务费）",
    "annual_fee_name": "年费名称",
    "monthly_rent": "月租",
    "amount": "押金",
    "refund_condition": "押金退还条件",
    "months": "优惠月数",
    "label": "优惠名称",
    "rent_waived": "优惠期免月租",
    "name": "方案名称",
}

CHANNEL_PROMPT = "请选择支付方式：信用卡、借记卡、微信、支付宝或云闪付。"


def field_label_zh(field: str) -> str:
    """'channels.debit.cap' -> '借记卡封顶': the words on the form, not the data path."""
    parts = [p for p in field.replace("[", ".").replace("]", "").split(".") if p]
    words = []
    if parts and parts[0] == "promotion":
        words.append("优惠期")
        parts = parts[1:]
    if len(parts) >= 2 and parts[0] == "channels" and parts[1] in SHORT_NAMES:
        words.append(SHORT_NAMES[parts[1]])
        parts = parts[2:]
        if len(parts) >= 2 and parts[0] == "bands" and parts[1].isdigit():
            words.append(f"第 {int(parts[1]) + 1} 段")
            parts = parts[2:]
        if not parts:
            words.append("费率")
    elif parts and parts[0] in ("channels", "periodic", "deposit"):
        parts = parts[1:]
    words += [_FIELD_WORDS.get(p, p) for p in parts if p not in ("channels", "bands")]
    return "".join(words) or "费率"


_KIND_MESSAGES = {
    "number": "请只填数字，例如 0.6。",
    "order": "不能高于封顶。",
    "unknown": "这一项不认识，请检查。",
    "empty": "请至少填写一种支付方式的费率。",
}


def custom_plan_message(error: DataError) -> str:
    """A reader-facing Chinese sentence for a mistake in their own rates."""
    label = field_label_zh(error.field)
    if not error.field:
        return "自定义费率的格式不对，请重新填写。"
    if error.kind == "empty" and error.field.endswith("channels"):
        return "自定义费率：请至少填写一种支付方式的费率，例如信用卡 0.6。"
    if error.kind == "range":
        last = error.field.rsplit(".", 1)[-1]
        if last == "rate_percent":
            hint = "应在 0 到 10 之间（单位是 %，例如 0.6 表示 0.6%）"
        elif last == "months":
            hint = "应在 1 到 12 之间"
        elif last == "up_to":
            hint = "应在 0.01 到 1 亿元之间"
        else:
            hint = "超出了合理范围，请检查单位是不是元"
        return f"自定义费率：{label}{hint}。"
    if error.kind == "required":
        return f"自定义费率：请填写{label}。"
    if error.kind == "precision" and error.field.endswith("up_to"):
        return f"自定义费率：{label}最多保留两位小数（到分），例如 1000 或 1000.50。"
    if error.kind == "precision":
        return f"自定义费率：{label}小数位太多（最多 6 位），例如 0.6 或 0.0325。"
    if error.kind == "order" and error.field.endswith("up_to"):
        return f"自定义费率：{label}要比上一段大。"
    return f"自定义费率：{label}{_KIND_MESSAGES.get(error.kind, '填写有误，请检查。')}"


# The calculator's views, as the reader picks them on the form.
VIEW_LABELS = {
    "single": "一笔手续费",
    "check": "到账核对",
    "gross": "想到账多少",
    "month": "每月费用",
    "compare": "方案对比",
}

# Shared-link parameters, as the reader knows them.
PARAM_LABELS = {
    "v": "页面类型",
    "amount": "金额",
    "net": "想到账金额",
    "received": "实际到账",
    "taken": "被扣手续费",
    "channel": "支付方式",
    "plan": "费率方案",
    "cmp": "对比方案",
}


def param_label(key: str) -> str:
    """'m_credit' -> '信用卡月交易'; 'amount' -> '金额'."""
    if key.startswith("m_") and key[2:] in SHORT_NAMES:
        return f"{SHORT_NAMES[key[2:]]}月交易"
    return PARAM_LABELS.get(key.split("_")[0], "参数")


# The rate fields of a contract, in the one order every tool uses: the
# percentage, the per-payment add-on, then the cap and the minimum.
RATE_FIELDS = (
    ("rate_percent", "费率（%）"),
    ("fixed", "每笔加收（元）"),
    ("cap", "封顶（元）"),
)
