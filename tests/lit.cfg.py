# lit configuration: FileCheck tests of passes (tests/passes) and of the CLI (tests/cli).
# CMake finds the tools (python, FileCheck and its siblings `not` and `count`) and passes them
# in as --param; the defaults only serve a hand-run lit with everything on the PATH.
import os
import sys
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
config.substitutions.append(("%python", lit_config.params.get("python", sys.executable)))
tools_dir = lit_config.params.get("tools_dir")
path = os.environ.get("PATH", "")
config.environment["PATH"] = tools_dir + os.pathsep + path if tools_dir else path
