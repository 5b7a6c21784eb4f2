# The fixture notebooks are run on purpose by test_nbval_harness.py, never collected directly.
collect_ignore_glob = ["fixtures/*"]
