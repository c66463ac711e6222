"""Mail out: composing MIME messages, calendar invites, and handing them to a relay or the outbox folder.

Not for: deciding what to send or when (agent/), nor reading mail (mailflows/inbound/).
"""
