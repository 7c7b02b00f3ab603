"""Risk rules, reach (egress.py, grants.py): consumer mail domains, where anyone may open an account."""

from __future__ import annotations

# Personal mailboxes: an alert or report sent there leaves the organisation with whoever holds the mailbox, and a
# grant to the whole domain (`domain:gmail.com`) reaches anyone who signs up.
PERSONAL_MAIL = frozenset({"gmail.com", "googlemail.com", "yahoo.com", "outlook.com", "hotmail.com", "live.com",
                           "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de",
                           "mail.ru", "yandex.ru", "yandex.com", "qq.com", "163.com", "zoho.com", "tutanota.com",
                           "mail.com"})
