"""Mail in: the intake (SMTP, IMAP, files) that stores a message, and the parser that reads it.

Not for: accounts, documents or anything the service decides (agent/); nor sending (mailflows/outbound/).
"""
