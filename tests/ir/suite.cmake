# ir/: the IR core, shape inference, the verifier and the textual IR.
graphc_test_suite(test_ir ir graphc_text graphc_ir)
