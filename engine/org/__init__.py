"""The office's people, schools, networks and added holidays, as admins change them.

May import: engine.access and the rooms below it."""
