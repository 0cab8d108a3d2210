"""The statement check: read an export, check every row, explain differences, sum up.

Imported only when a statement is checked, so the fee pages do not pay for csv and friends.
"""
