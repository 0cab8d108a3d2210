"""POS fee engine for mainland China merchants.

Standard library only, so the very same files run in CPython (tests, site
build, CLI) and in Pyodide (the reader's browser).
"""

__version__ = "0.1.0"
