"""Telling people: reminder stages, who receives them (recipients), mail text, the outbox,
the transport (SMTP or files) and the batch sweep.

May import: engine.processes and the rooms below it; nothing of runtime."""
