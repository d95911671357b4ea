# Exports what tests/backends/peer_models_test.cpp needs to replay the first Adam steps recorded in
# /work/shared/peers/models/manifest.json ('training': seed and mlp): the ONNX initializers
# (Gemm with transB=1, so W is [out, in]; saved transposed to graphc's dense layout [in, out])
# and the recorded batch (raw little-endian f32 files) as .npy. Run with /usr/bin/python3.
import json
import numpy as np
import onnx
from onnx import numpy_helper

PEERS = "/work/shared/peers"
manifest = json.load(open(f"{PEERS}/models/manifest.json"))["training"]
for name, case_index in [("seed", 0), ("mlp", 0)]:
    model = onnx.load(f"{PEERS}/models/{name}.onnx")
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    gemms = [n for n in model.graph.node if n.op_type == "Gemm"]
    for layer, node in enumerate(gemms, start=1):
        attrs = {a.name: a for a in node.attribute}
        assert attrs["transB"].i == 1
        np.save(f"{name}_w{layer}.npy", np.ascontiguousarray(inits[node.input[1]].T.astype(np.float32)))
        np.save(f"{name}_b{layer}.npy", inits[node.input[2]].astype(np.float32))
    case = manifest[name]["cases"][case_index]
    for key in ("x", "y"):
        raw = np.fromfile(f"{PEERS}/data/{case[key + '_file']}", dtype="<f4").reshape(case[key + "_shape"])
        np.save(f"{name}_{key}.npy", raw)
    print(name, case["losses_first_5_steps"], case["param_l2_norms_after_5_steps"])
