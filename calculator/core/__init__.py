"""What every tool shares: money, payment channels, rate plans and the two kinds of error."""
