# lit configuration: FileCheck tests of passes (tests/passes) and of the CLI (tests/cli).
import os
import lit.formats

config.name = "graphc"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".graph", ".test"]
config.excludes = ["data", "Inputs", "tools"]
config.test_source_root = os.path.dirname(__file__)
# Keep lit's Output/ folders in the build tree, never in the sources.
config.test_exec_root = lit_config.params.get("exec_root", os.path.join(os.path.dirname(__file__), "..", "build", "lit"))

graphc = lit_config.params.get("graphc", "graphc")
data = lit_config.params.get("data", os.path.join(os.path.dirname(__file__), "data"))
config.substitutions.append(("%graphc", graphc))
config.substitutions.append(("%npycmp", lit_config.params.get("npycmp", "npycmp")))
config.substitutions.append(("%data", data))
config.substitutions.append(("%make_seed_data", lit_config.params.get("seed_make_data", "seed_make_data")))
config.substitutions.append(("%check_accuracy", lit_config.params.get("seed_accuracy", "seed_accuracy")))
config.substitutions.append(("%python", "/usr/bin/python3"))
config.environment["PATH"] = "/usr/lib/llvm-16/bin:" + os.environ.get("PATH", "")
