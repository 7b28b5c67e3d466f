"""What every step leaves behind: the hash-chained audit trail (audit) and stored evidence files.

Below runtime because every step writes to it. May import: engine.model, engine.calendar, engine.errors."""
