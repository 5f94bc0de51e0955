"""The supply-chain model: the network built from a validated scenario, its nodes, lanes, stocks
and policies, and the records read out of it."""
