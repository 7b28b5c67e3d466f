"""What runs on the clock: the scheduler's tick, yearly cycles, BPMN timers.

May import: engine.runtime and the rooms below it."""
