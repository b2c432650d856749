"""Developer tools: the mutation gate (mutation_gate.py); setup, test and mutation are scripts."""
