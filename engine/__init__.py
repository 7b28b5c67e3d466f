"""The workflow engine: BPMN, the manual's rules, tasks, evidence and audit. Never imports Flask."""
