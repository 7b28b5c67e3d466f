"""Process files on disk to deployed versions (deployment) and which version is active (versions).

May import: engine.org, engine.access and the rooms below it."""
