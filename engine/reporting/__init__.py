"""Reading for people: dashboard, inbox queries, timelines, audit search and its PDF, report packs
(PDF, XLSX, files) and the tables they share (colours and labels are presentation and live here).

May import: engine.jobs, engine.records and the rooms below them; nothing imports reporting but demo."""
