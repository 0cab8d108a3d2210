"""Build-time rendering for the site macros. Not shipped to the browser."""
