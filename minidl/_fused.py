"""The straight-line training code a :class:`~minidl.Sequential` generates for its chain.

Private. When every child is one of minidl's own layers (Linear, ReLU, Tanh, Sigmoid,
LeakyReLU, Identity) with matching sizes, the chain's forward and backward are written out
once as Python source (no loop, no per-module call, parameters bound as locals) and compiled
with :func:`exec`. The code issues the ATen ops torch's autograd issues, so results are bitwise
those of the per-module path and of torch.nn. What it saves is Python work and ops nobody
needs: after ``zero_grad()`` (the buffer's ``Pack.fresh`` flag) every gradient is written with
``out=`` instead of being computed aside and added, and the sum for a bias gradient lands in
its slot directly. Any other child (a user module, a nested Sequential) means no plan: the
Sequential runs its children one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch

from . import _ops
from .activations import Identity, LeakyReLU, ReLU, Sigmoid, Tanh
from .layers import Linear
from .module import Module
from .parameter import Parameter, shared_pack

__all__ = ["Plan", "plan_for"]

# activation type -> (forward expression, backward expression, what backward needs)
_ACTS: dict[type, tuple[str, str, str]] = {
    ReLU: ("relu({x})", "threshold_backward({g}, {y}, 0)", "y"),
    Tanh: ("tanh({x})", "tanh_backward({g}, {y})", "y"),
    Sigmoid: ("sigmoid({x})", "sigmoid_backward({g}, {y})", "y"),
    LeakyReLU: ("leaky_relu({x}, {slope})", "leaky_relu_backward({g}, {x}, {slope}, False)",
                "x"),
}

_NAMESPACE: dict[str, Any] = {
    "addmm": torch.addmm, "mm": torch.mm, "tsum": torch.sum, "relu": torch.relu,
    "tanh": torch.tanh, "sigmoid": torch.sigmoid, "leaky_relu": _ops.leaky_relu,
    "threshold_backward": _ops.threshold_backward, "tanh_backward": _ops.tanh_backward,
    "sigmoid_backward": _ops.sigmoid_backward,
    "leaky_relu_backward": _ops.leaky_relu_backward, "below": _ops.below_autograd,
    "threshold_backward_out": _ops.threshold_backward_out,
    "tanh_backward_out": _ops.tanh_backward_out, "sigmoid_backward_out": _ops.sigmoid_backward_out,
}

# Activations whose backward needs only their output: after a Linear they run in place on
# the Linear's output buffer, and their backward writes into a reused gradient buffer.
_IN_PLACE: dict[type, tuple[str, str]] = {
    ReLU: ("relu_", "threshold_backward_out({g}, {y}, 0, grad_input={g})"),
    Tanh: ("tanh_", "tanh_backward_out({g}, {y}, grad_input={g})"),
    Sigmoid: ("sigmoid_", "sigmoid_backward_out({g}, {y}, grad_input={g})"),
}


class Plan:
    """Generated ``forward``/``backward`` for one chain, valid for one ``Parameter.generation``.

    ``forward`` is ``None`` when the chain cannot be fused (the Sequential then runs its
    children). ``saved`` holds what the last training forward kept for backward.
    """

    __slots__ = ("backward", "bufs", "forward", "generation", "saved")

    def __init__(self, generation: int) -> None:
        self.generation = generation
        self.forward: Callable[[torch.Tensor], torch.Tensor] | None = None
        self.backward: Callable[[torch.Tensor], torch.Tensor] | None = None
        self.saved: tuple[torch.Tensor, ...] | None = None
        # batch size -> reused hidden buffers (activation, its gradient, the gradient's .mT)
        self.bufs: dict[int, tuple[torch.Tensor, ...]] = {}


def _fusable(mods: Sequence[Module]) -> bool:
    width = None
    for m in mods:
        kind = type(m)
        if kind is Linear:
            if width is not None and m.in_features != width:
                return False  # let the per-module path raise its clear size error
            width = m.out_features
        elif kind not in _ACTS and kind is not Identity:
            return False
    return any(type(m) is Linear for m in mods)


def plan_for(owner: Any, mods: Sequence[Module], training: bool) -> Plan:
    """Generate the plan for ``mods`` (the Sequential ``owner`` keeps it)."""
    plan = Plan(Parameter.generation)
    for m in mods:  # whatever this chain was before, its buffers are not covered until shown
        for p in m.parameters():
            if p._packed is not None:
                p._packed.pack.clear()
                p._packed.pack.covered = False
    if not _fusable(mods):
        return plan
    ns = dict(_NAMESPACE, plan=plan)
    fwd = ["def forward(x):", "    if x.requires_grad:", "        x = x.detach()"]
    first = next(m for m in mods if type(m) is Linear)
    ns["check"] = first._check
    fwd += [f"    if x.dim() != 2 or x.shape[1] != {first.in_features}:", "        check(x)"]
    saved: list[str] = []
    steps: list[tuple[str, int, str, str]] = []  # (kind, index, input var, output var)
    # Hidden Linear -> in-place activation pairs get reused buffers: no allocation, and the
    # transposed views the weight gradients need are made once, not per step (same kernels,
    # same bits). The model's output is always a fresh tensor: callers keep it.
    pairs = {i: k for k, i in enumerate(
        i for i in range(len(mods) - 2)
        if type(mods[i]) is Linear and type(mods[i + 1]) in _IN_PLACE
        and type(mods[i + 2]) is Linear)}  # whose input gradient lands in the buffer
    widths = [(mods[i].out_features, mods[i].weight.data) for i in pairs]

    def new_bufs(n: int) -> tuple[torch.Tensor, ...]:
        if len(plan.bufs) > 8:  # many batch sizes: keep memory bounded
            plan.bufs.clear()
        made: list[torch.Tensor] = []
        for width, like in widths:
            a, g = (like.new_empty((n, width)) for _ in range(2))
            made += [a, g, g.mT]
        plan.bufs[n] = tuple(made)
        return plan.bufs[n]

    ns["new_bufs"] = new_bufs
    names = [f"{v}{k}" for k in range(len(pairs)) for v in ("A", "G", "GT")]
    if pairs:
        fwd += ["    bufs = plan.bufs.get(x.shape[0])", "    if bufs is None:",
                "        bufs = new_bufs(x.shape[0])", f"    {', '.join(names)}, = bufs"]
    cur = "x"
    for i, m in enumerate(mods):
        kind = type(m)
        out = f"h{i}"
        if kind is Linear:
            ns[f"w{i}"], ns[f"wt{i}"] = m.weight.data, m.weight.data.t()
            into = f", out=A{pairs[i]}" if i in pairs else ""
            if m.bias is not None:
                ns[f"b{i}"] = m.bias.data
                fwd.append(f"    {out} = addmm(b{i}, {cur}, wt{i}{into})")
            else:
                fwd.append(f"    {out} = mm({cur}, wt{i}{into})")
            saved.append(cur)
        elif kind is Identity:
            continue
        elif i - 1 in pairs:
            fwd.append(f"    {out} = {cur}.{_IN_PLACE[kind][0]}()")
            saved.append(out)
        else:
            expr, _, needs = _ACTS[kind]
            slope = getattr(m, "negative_slope", None)
            fwd.append(f"    {out} = " + expr.format(x=cur, slope=repr(slope)))
            saved.append(out if needs == "y" else cur)
        steps.append((kind.__name__, i, cur, out))
        cur = out
    if pairs:
        saved.append("bufs")
    saved = list(dict.fromkeys(saved))
    if training:
        fwd.append(f"    plan.saved = ({', '.join(saved)},)")
    else:
        fwd.append("    plan.saved = None")
    fwd.append(f"    return {cur}")
    params = [p for m in mods for p in m.parameters()]
    pack = shared_pack(params)
    ns["pack"] = pack
    if pack is not None:
        # Every parameter of the buffer is written by this backward: zero_grad() may leave
        # the zeroing to it. (plan_for reset ``covered`` for every pack it saw, above.)
        pack.covered = len(set(map(id, params))) == pack.count
    bwd = ["def backward(g):", "    saved = plan.saved", "    if saved is None:",
           "        raise RuntimeError('Sequential: backward called before forward "
           "(in training mode)')",
           f"    {', '.join(saved)}, = saved"]
    if pairs:
        bwd.append(f"    {', '.join(names)}, = bufs")
    if pack is not None:  # after zero_grad(): a body that writes every gradient with out=
        bwd += ["    if pack.fresh:", "        pack.fresh = pack.stale = False"]
        bwd += ["        " + line
                for line in _backward_body(mods, steps, True, ns, owner.input_grad, pairs)]
    bwd += ["    " + line for line in _backward_body(mods, steps, False, ns, owner.input_grad,
                                                     pairs)]
    # Every op runs below autograd's dispatch layers (see _ops.below_autograd): same kernels.
    fwd[1:] = ["    with below():"] + ["    " + line for line in fwd[1:]]
    bwd[1:] = ["    with below():"] + ["    " + line for line in bwd[1:]]
    exec(compile("\n".join(fwd) + "\n\n" + "\n".join(bwd) + "\n", "<minidl.Sequential>", "exec"),
         ns)
    plan.forward, plan.backward = ns["forward"], ns["backward"]
    return plan


def _backward_body(mods: Sequence[Module], steps: list[tuple[str, int, str, str]], fresh: bool,
                   ns: dict[str, Any], input_grad: bool, pairs: dict[int, int]) -> list[str]:
    """Backward through ``steps`` in reverse; ``fresh``: gradients are written, not added."""
    lines: list[str] = []
    first = next(i for kind, i, _, _ in steps if kind == "Linear")
    written: set[int] = set()  # a parameter used twice is written once, then added to

    def grad_into(p: Parameter, name: str, expr: str, out_expr: str) -> None:
        if fresh and id(p) not in written:
            lines.append(out_expr)
        else:
            lines.append(f"{name}.add_({expr})")
        written.add(id(p))

    for kind, i, x, y in reversed(steps):
        m = mods[i]
        if kind == "Linear":
            ns[f"gw{i}"] = m.weight.grad
            # g.mT is g.t() (same view, same gemm) for 2-D g, and a cheaper call; a buffered
            # gradient has its transposed view made once
            gt = f"GT{pairs[i]}" if i in pairs else "g.mT"
            grad_into(m.weight, f"gw{i}", f"mm({gt}, {x})", f"mm({gt}, {x}, out=gw{i})")
            if m.bias is not None:
                # gbv{i}, not gb2{i}: that would be layer 2's gb22 when i is 2 and when 22
                ns[f"gb{i}"] = m.bias.grad
                ns[f"gbv{i}"] = m.bias.grad.view(1, -1)
                grad_into(m.bias, f"gb{i}", "tsum(g, 0)", f"tsum(g, 0, True, out=gbv{i})")
            if i == first and not input_grad:
                lines.append("return None")  # nobody wants d loss / d input: skip g @ W
                return lines
            feeds = next((k for j, k in pairs.items() if f"h{j + 1}" == x), None)
            lines.append(f"g = mm(g, w{i}, out=G{feeds})" if feeds is not None
                         else f"g = mm(g, w{i})")
        elif i - 1 in pairs:
            lines.append("g = " + _IN_PLACE[type(m)][1].format(g="g", y=y))
        else:
            _, expr, needs = _ACTS[type(m)]
            slope = getattr(m, "negative_slope", None)
            lines.append("g = " + expr.format(g="g", y=y, x=x, slope=repr(slope)))
    lines.append("return g")
    return lines
