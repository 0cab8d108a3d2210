"""The fee tool: one transaction (fee, net, gross-up), a month and a year, comparisons, charts."""
