"""After the handoff: what happens once the CSM has the document.

``feedback`` (the CSM's reply: rating, reason codes, a reopen on request), ``snapshots``
(what the CSM received, per revision), ``webhook`` (the signed POST to other tools, and
the CRM-shaped record), ``checkbacks`` (90 days, 6 months, 1 year), ``report`` (metrics
from the event log, the weekly digest) and ``search`` (full text over every handoff).
They send mail through agent/outbox.py and are started by agent/jobs.py; nothing in the
flow before delivery imports them.
"""
