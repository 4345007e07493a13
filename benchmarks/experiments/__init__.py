"""One-off experiments behind the committed results (``benchmarks/results/``): each is
``python -m biolite.benchmarks.experiments.NAME --help``. The ``biolite bench`` suite
lives one folder up."""
