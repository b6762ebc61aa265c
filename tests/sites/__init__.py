"""Local HTTP sites that tests (and benchmarks) serve on 127.0.0.1."""
