"""What a process is, read from its files: BPMN reading (bpmn), forms, the manual's timing rules,
the catalog of shipped processes, the workflow document codec, roles and status names.

May import: engine.calendar, engine.errors. Never the database session's rooms above it."""
