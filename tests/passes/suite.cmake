# Numeric and structural checks of the passes; the FileCheck cases are the *.graph files (lit).
graphc_test_suite(test_passes passes graphc_passes graphc_text graphc_eval graphc_ir)
