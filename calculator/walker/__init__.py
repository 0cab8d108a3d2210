"""The troubleshooting walker: a tree of questions (data/walker.toml) and walking it."""
