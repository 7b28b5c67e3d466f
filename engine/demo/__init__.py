"""The invented demo office (office) and a flight of demo work through it (flight). Never real people.

May import anything in the engine."""
