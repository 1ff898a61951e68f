"""Reviewer pages, one module per page (thin: forms in, services and selectors, templates
out; HTMX requests get the same views, with partials where it saves work), and the public
fact-check pages."""
