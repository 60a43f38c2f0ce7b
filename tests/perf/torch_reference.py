"""Write PyTorch's answers for a few training steps of every optimizer and objective term, as
small fixtures the suite compares aeviz against (tests/test_torch_reference.py).

    python tests/perf/torch_reference.py [OUTPUT_FOLDER]   (default: tests/fixtures/torch)

Needs torch (not a dependency of aeviz: run it where torch is installed). Every random number
a step uses (corruption draws, a VAE's noise) is drawn here with numpy and fed to both sides,
so the comparison is exact up to rounding. Everything is float64. Each fixture holds:

  x [S, B, D] the clean batch of each step;  params [S + 1, P] the flat parameters (aeviz's
  order: W0, b0, W1, b1, ..., then a VAE's log-variance W and b) before and after each step;
  mse [S] each step's reconstruction MSE;  normal, uniform [S, B, D] the corruption draws;
  inputs [S, B, D] the corrupted inputs;  noise [S, B, 2] a VAE's draws;  setup: JSON text;
  code_l1 [S] the mean over rows of sum |code| and kl [S] the mean over rows of a VAE's KL
  divergence, each step's value of the objective's terms (unweighted), where they are on.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import torch

LAYERS = [5, 4, 2, 4, 5]
ACTIVATIONS = ["tanh", "identity", "sigmoid", "identity"]
STEPS, ROWS = 4, 6

# name: (optimizer, its keyword arguments, objective settings)
BASE = {"lr": 0.05}
CASES = {
    "sgd": ("sgd", {}, {}),
    "momentum": ("momentum", {"beta1": 0.8}, {}),
    "rmsprop": ("rmsprop", {"beta2": 0.9, "eps": 1e-8}, {}),
    "adam": ("adam", {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}, {}),
    "sgd_weight_decay": ("sgd", {"weight_decay": 0.1}, {}),
    "momentum_weight_decay": ("momentum", {"beta1": 0.8, "weight_decay": 0.1}, {}),
    "rmsprop_weight_decay": ("rmsprop", {"beta2": 0.9, "eps": 1e-8, "weight_decay": 0.1}, {}),
    "adam_weight_decay": ("adam", {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
                                   "weight_decay": 0.1}, {}),
    "adamw": ("adamw", {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01}, {}),
    "adamw_strong": ("adamw", {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
                               "weight_decay": 0.5}, {}),
    "code_l1": ("adam", {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}, {"code_l1": 0.05}),
    "denoising": ("sgd", {}, {"noise": 0.2, "masking": 0.3}),
    "vae": ("adam", {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}, {"beta": 0.5}),
    "vae_l1_denoising": ("sgd", {}, {"beta": 1.0, "code_l1": 0.02, "noise": 0.1}),
}

TORCH_ACTIVATIONS = {"tanh": torch.tanh, "identity": lambda z: z, "sigmoid": torch.sigmoid}


def torch_optimizer(name: str, params: list, lr: float, kw: dict):
    wd = kw.get("weight_decay", 0.0)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, weight_decay=wd)
    if name == "momentum":  # aeviz's momentum with dampening 0 (see test_torch_reference.py)
        return torch.optim.SGD(params, lr=lr, momentum=kw["beta1"], dampening=0.0,
                               weight_decay=wd)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=kw["beta2"], eps=kw["eps"],
                                   weight_decay=wd)
    kind = torch.optim.AdamW if name == "adamw" else torch.optim.Adam
    return kind(params, lr=lr, betas=(kw["beta1"], kw["beta2"]), eps=kw["eps"],
                weight_decay=wd)


def case(name: str, optimizer: str, kw: dict, objective: dict, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    code_layer = 2
    tensors = []
    for n_in, n_out in zip(LAYERS, LAYERS[1:]):
        tensors += [rng.uniform(-0.8, 0.8, (n_out, n_in)), rng.uniform(-0.3, 0.3, n_out)]
    variational = "beta" in objective
    if variational:
        tensors += [rng.uniform(-0.8, 0.8, (2, LAYERS[code_layer - 1])),
                    rng.uniform(-0.3, 0.3, 2)]
    params = [torch.tensor(t, dtype=torch.float64, requires_grad=True) for t in tensors]
    opt = torch_optimizer(optimizer, params, BASE["lr"], kw)
    x = rng.normal(0, 0.6, (STEPS, ROWS, LAYERS[0]))
    normal = rng.standard_normal(x.shape)
    uniform = rng.random(x.shape)
    noise = rng.standard_normal((STEPS, ROWS, 2))
    inputs = x + objective.get("noise", 0.0) * normal
    inputs = np.where(uniform < objective.get("masking", 0.0), 0.0, inputs)
    flat = lambda: np.concatenate([p.detach().numpy().ravel() for p in params])  # noqa: E731
    history, mse_values, term_values = [flat()], [], {"code_l1": [], "kl": []}
    n_layers = len(LAYERS) - 1
    for step in range(STEPS):
        opt.zero_grad()
        a = torch.tensor(inputs[step])
        code = None
        kl = torch.tensor(0.0, dtype=torch.float64)
        for layer in range(n_layers):
            w, b = params[2 * layer], params[2 * layer + 1]
            a_prev = a
            a = TORCH_ACTIVATIONS[ACTIVATIONS[layer]](a @ w.T + b)
            if layer + 1 == code_layer:
                if variational:
                    logvar = a_prev @ params[-2].T + params[-1]
                    kl = torch.sum(-0.5 * (1 + logvar - a**2 - torch.exp(logvar))) / ROWS
                    a = a + torch.exp(0.5 * logvar) * torch.tensor(noise[step])
                code = a
        target = torch.tensor(x[step])
        mse = torch.mean((a - target) ** 2)
        l1 = torch.sum(torch.abs(code)) / ROWS
        loss = mse + objective.get("code_l1", 0.0) * l1
        loss = loss + objective.get("beta", 0.0) * kl
        term_values["code_l1"].append(float(l1.detach()))
        term_values["kl"].append(float(kl.detach()))
        loss.backward()
        opt.step()
        history.append(flat())
        mse_values.append(float(mse.detach()))
    setup = {"name": name, "optimizer": optimizer, "learning_rate": BASE["lr"], **kw,
             **objective, "layers": LAYERS, "activations": ACTIVATIONS,
             "code_layer": code_layer, "torch": torch.__version__}
    terms = {name: np.array(values) for name, values in term_values.items()
             if name in objective or (name == "kl" and variational)}
    return {"setup": np.array(json.dumps(setup)), "x": x, "params": np.array(history),
            "mse": np.array(mse_values), "normal": normal, "uniform": uniform,
            "inputs": inputs, "noise": noise, **terms}


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parents[1] / "fixtures"
               / "torch")
    out.mkdir(parents=True, exist_ok=True)
    torch.set_default_dtype(torch.float64)
    for seed, (name, (optimizer, kw, objective)) in enumerate(CASES.items()):
        np.savez(out / f"{name}.npz", **case(name, optimizer, kw, objective, seed))
        print(f"{name}: written")


if __name__ == "__main__":
    main()
