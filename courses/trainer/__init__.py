"""Trainer tools: my programmes, roster, attendance grid, self check-in,
completion, exports and charts, in the Wagtail admin.

The rules stay in ``courses.services`` and ``courses.selectors``; this package
adds the few rules only trainer tools need (changed-cells saving, check-in
codes) and the admin views that call them.
"""
