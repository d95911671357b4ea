# driver/: the driver library through its own API: a run, the training loop, bench.
graphc_test_suite(test_driver driver graphc_driver graphc_ir)
