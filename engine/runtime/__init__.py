"""Running workflows: stepping SpiffWorkflow (stepping), instances, tasks with drafts and evidence,
operations on instances (cancel, suspend, resume, hand over), the engine clock.

May import: engine.notify and the rooms below it. What happens beside a step (registers) is reached
through Engine.step_hooks, wired by engine.assemble, never imported from here."""
