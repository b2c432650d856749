"""Tools of this repository: dev setup, the offline engine, benchmarks."""
