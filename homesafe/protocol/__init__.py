"""The practice rules, pure Python (no Django): calendar, settings and the duties a child's
facts call for. The only place in HomeSafe that knows a timescale (DESIGN.md rule 1)."""
