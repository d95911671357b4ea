# runtime/: NPY I/O and the Executable helpers.
graphc_test_suite(test_runtime runtime graphc_runtime graphc_ir)
