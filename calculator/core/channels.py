"""The payment channels a Chinese POS statement distinguishes."""

from __future__ import annotations

# Order matters: tables and forms list channels in this order.
CHANNELS: dict[str, str] = {
    "credit": "信用卡（贷记卡）",
    "debit": "借记卡（储蓄卡）",
    "wechat": "微信支付",
    "alipay": "支付宝",
    "unionpay_qr": "银联二维码（云闪付）",
}

SHORT_NAMES: dict[str, str] = {
    "credit": "信用卡",
    "debit": "借记卡",
    "wechat": "微信",
    "alipay": "支付宝",
    "unionpay_qr": "云闪付",
}
