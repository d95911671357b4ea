# The tiny training case of tests/cli/train.test, with its per-epoch losses computed by PyTorch.
# Run offline with /usr/bin/python3 (numpy + torch) from this folder; the outputs are committed:
#   tiny.graph             6 -> 8 relu -> 3 (logits), symbolic batch N, initial weights inline
#   tiny_x.npy, tiny_y.npy 10 samples, i64 classes; tiny_t.npy f32 [10, 3] targets for mse
#   tiny_expected.json     {"sgd": [...], "adam_mse": [...]}: the mean batch loss of each epoch,
#                          batch 4 in file order (the last 2 samples dropped), 3 epochs;
#                          sgd lr 0.1 with softmax_cross_entropy, adam lr 0.01 with mse.
import json

import numpy as np
import torch

rng = np.random.default_rng(11)
N, K, H, C = 10, 6, 8, 3
x = rng.standard_normal((N, K)).astype(np.float32)
y = rng.integers(0, C, N).astype(np.int64)
t = rng.standard_normal((N, C)).astype(np.float32)
w1 = (rng.standard_normal((K, H)) * 0.5).astype(np.float32)
b1 = (rng.standard_normal(H) * 0.1).astype(np.float32)
w2 = (rng.standard_normal((H, C)) * 0.5).astype(np.float32)
b2 = (rng.standard_normal(C) * 0.1).astype(np.float32)


def data(a):
    return "[" + ", ".join(f"{v:.9g}" for v in a.reshape(-1)) + "]"


with open("tiny.graph", "w") as f:
    f.write("// The tiny training case of train.test (gen_train_traj.py): 6 -> 8 relu -> 3 logits.\n")
    f.write("graph tiny {\n  input %x : f32[N,6]\n")
    for name, a in [("w1", w1), ("b1", b1), ("w2", w2), ("b2", b2)]:
        f.write(f"  param %{name} : f32[{','.join(map(str, a.shape))}] = {data(a)}\n")
    f.write("  %h = dense(%x, %w1, %b1) {activation = \"relu\"} : f32[N,8]\n")
    f.write("  %logits = dense(%h, %w2, %b2) : f32[N,3]\n")
    f.write("  output logits = %logits\n}\n")
np.save("tiny_x.npy", x)
np.save("tiny_y.npy", y)
np.save("tiny_t.npy", t)


def run(opt_name, loss_name, lr, epochs=3, batch=4):
    params = [torch.tensor(p, requires_grad=True) for p in (w1, b1, w2, b2)]
    opt = torch.optim.SGD(params, lr=lr) if opt_name == "sgd" else torch.optim.Adam(params, lr=lr)
    out = []
    for _ in range(epochs):
        losses = []
        for s in range(N // batch):
            rows = slice(s * batch, (s + 1) * batch)
            opt.zero_grad()
            logits = torch.relu(torch.tensor(x[rows]) @ params[0] + params[1]) @ params[2] + params[3]
            if loss_name == "mse":
                loss = torch.nn.functional.mse_loss(logits, torch.tensor(t[rows]))
            else:
                loss = torch.nn.functional.cross_entropy(logits, torch.tensor(y[rows]))
            losses.append(loss.item())
            loss.backward()
            opt.step()
        out.append(float(np.mean(losses)))
    return out


expected = {"sgd": run("sgd", "ce", 0.1), "adam_mse": run("adam", "mse", 0.01)}
with open("tiny_expected.json", "w") as f:
    json.dump(expected, f, indent=2)
print(expected)

# Bad inputs for the error cases of train.test.
np.save("tiny_y_short.npy", y[:9])                        # 9 labels for 10 samples
bad = y.copy()
bad[4] = 7
np.save("tiny_y_range.npy", bad)                          # class 7 at index 4, the model has 3
np.save("tiny_y_2d.npy", y.reshape(N, 1))                 # i64 [10, 1]: not [N]
np.save("tiny_t_wrong.npy", t[:, :2].copy())              # f32 [10, 2]: not the output's [N, 3]
np.save("tiny_x_7.npy", rng.standard_normal((N, 7)).astype(np.float32))  # 7 features, the model takes 6
with open("noparams.graph", "w") as f:
    f.write("// No float params: nothing for graphc train to train.\n")
    f.write("graph noparams {\n  input %x : f32[N,6]\n  %p = softmax(%x) : f32[N,6]\n  output p = %p\n}\n")
