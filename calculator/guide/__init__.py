"""The guide's sourced content: sources, messages merchants see, per-brand change guides.

Build-time only (left out of the browser zip): loaded and checked by the site
macros, rendered by calculator.site.guide.
"""
