# Loss trajectories of a small MLP (6 -> 8 relu -> 3, batch 4, 5 steps) under every loss x
# optimizer pair, computed with PyTorch from the same initial weights and batches that
# tests/backends/trajectory_test.cpp feeds graphc. Run with /usr/bin/python3 (numpy + torch).
#   traj_{x,labels,targets,w1,b1,w2,b2}.npy   inputs (weights in graphc's dense layout [K, N])
#   traj_losses.npy    f64 [3 losses, 3 optimizers, 5 steps], the loss of each step before its update
#   traj_final_w1.npy  f32 [3, 3, 6, 8], w1 after the 5 steps
# Losses: softmax_cross_entropy, cross_entropy (model ends in softmax), mse (float targets).
# Optimizers: sgd lr 0.1, momentum (0.9) lr 0.1, adam lr 0.01.
import numpy as np
import torch

rng = np.random.default_rng(7)
STEPS, N, K, H, C = 5, 4, 6, 8, 3
x = rng.standard_normal((STEPS, N, K)).astype(np.float32)
labels = rng.integers(0, C, (STEPS, N)).astype(np.int64)
targets = rng.standard_normal((STEPS, N, C)).astype(np.float32)
w1 = (rng.standard_normal((K, H)) * 0.5).astype(np.float32)
b1 = (rng.standard_normal(H) * 0.1).astype(np.float32)
w2 = (rng.standard_normal((H, C)) * 0.5).astype(np.float32)
b2 = (rng.standard_normal(C) * 0.1).astype(np.float32)

losses = np.zeros((3, 3, STEPS))
final_w1 = np.zeros((3, 3, K, H), np.float32)
for li, loss_name in enumerate(["softmax_cross_entropy", "cross_entropy", "mse"]):
    for oi, opt_name in enumerate(["sgd", "momentum", "adam"]):
        params = [torch.tensor(p, requires_grad=True) for p in (w1, b1, w2, b2)]
        if opt_name == "sgd":
            opt = torch.optim.SGD(params, lr=0.1)
        elif opt_name == "momentum":
            opt = torch.optim.SGD(params, lr=0.1, momentum=0.9)
        else:
            opt = torch.optim.Adam(params, lr=0.01)
        for s in range(STEPS):
            opt.zero_grad()
            h = torch.relu(torch.tensor(x[s]) @ params[0] + params[1])
            logits = h @ params[2] + params[3]
            if loss_name == "softmax_cross_entropy":
                loss = torch.nn.functional.cross_entropy(logits, torch.tensor(labels[s]))
            elif loss_name == "cross_entropy":
                probs = torch.softmax(logits, dim=1)
                loss = -torch.log(probs).gather(1, torch.tensor(labels[s])[:, None]).mean()
            else:
                loss = torch.nn.functional.mse_loss(logits, torch.tensor(targets[s]))
            losses[li, oi, s] = loss.item()
            loss.backward()
            opt.step()
        final_w1[li, oi] = params[0].detach().numpy()

for name, arr in [("x", x), ("labels", labels), ("targets", targets), ("w1", w1), ("b1", b1), ("w2", w2), ("b2", b2),
                  ("losses", losses), ("final_w1", final_w1)]:
    np.save(f"traj_{name}.npy", arr)
print(losses)
