# memplan/: the memory planner on hand-made traces, random traces and model-like graphs.
graphc_test_suite(test_memplan memplan graphc_memplan graphc_ir)
