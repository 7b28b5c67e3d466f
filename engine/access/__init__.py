"""Who may do what: one policy (policy: the principal and named capabilities), accounts and
passwords, the login guard, delegation of one person's work to another.

Runtime asks the policy; the policy never imports runtime. May import: engine.core and the rooms below it."""
