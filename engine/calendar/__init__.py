"""The Thai calendar: Buddhist-era years and fiscal years (thai), office hours, Thai digits.

The lowest room: imports nothing of the engine but engine.errors."""
