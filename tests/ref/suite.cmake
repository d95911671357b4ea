# ref: the reference interpreter against values computed independently with NumPy.
graphc_test_suite(test_ref ref graphc_eval graphc_ir)
