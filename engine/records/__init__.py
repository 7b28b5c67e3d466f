"""The office's records beside the workflow: registers of letters, retention, archive of closed
cycles, and the step hooks that write registers when a step completes.

May import: engine.runtime and the rooms below it."""
