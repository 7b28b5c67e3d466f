"""The workflow engine: BPMN, the manual's rules, tasks, evidence and audit. Never imports Flask or web.

Rooms, lowest first (a room imports only rooms below it; import-linter checks it, docs/architecture.md
draws it): calendar < model < trail < core < access < org < processes < notify < runtime < jobs, records
< reporting < demo, assemble.
"""
