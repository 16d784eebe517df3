"""Drop repeated inline scripts from the pages (a local Sphinx extension of the book).

sphinx-thebe (loaded by Jupyter Book 1.x even with Thebe off) registers its inline
configuration script once per environment read; the build reads it twice, so
every page declared ``const THEBE_JS_URL`` twice, which the browser reports as a
SyntaxError. This keeps the first copy of each identical script.
"""

from __future__ import annotations


def _unique(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for script in scripts:
        attributes = getattr(script, "attributes", {})
        key = (str(getattr(script, "filename", script) or ""), attributes.get("body"), attributes.get("src"))
        if key in seen:
            continue
        seen.add(key)
        kept.append(script)
    scripts[:] = kept


def setup(app):  # noqa: D103
    app.connect("html-page-context", _unique, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
