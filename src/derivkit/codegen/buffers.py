"""Buffers for a lowered program: a liveness pass so that each NumPy operation writes into a
dying operand's buffer (``out=``) whenever one exists, and reuses freed buffers otherwise.
Allocation is where the NumPy target beats naive NumPy on large batches (see lowering.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from derivkit.codegen.lowering import Program, Val

IN_PLACE_KINDS = ("ufunc",)
IN_PLACE_ON_FIRST = ("put", "at_max", "put_at_max", "set_diagonal")


@dataclass
class Allocation:
    """Buffer names: ``buffer[val.id]`` for full-size and matrix values (b0, b1, ...), plus the
    values that need a fresh buffer (``fresh``) and the copies in-place operations need first."""

    buffer: dict[int, str] = field(default_factory=dict)
    fresh: set[int] = field(default_factory=set)
    copy_first: set[int] = field(default_factory=set)
    count: int = 0


def _needs_buffer(val: Val) -> bool:
    return val.shape in ("full", "matrix") and val.dtype == "float"


def allocate(program: Program) -> Allocation:
    """Assign buffers: write into a dying operand when possible, else reuse a free buffer."""
    last_use: dict[int, int] = {}
    for index, op in enumerate(program.ops):
        for arg in op.args:
            if isinstance(arg, Val):
                last_use[arg.id] = index
    if isinstance(program.result, Val):
        last_use[program.result.id] = len(program.ops)
    alloc = Allocation()
    free: dict[str, list[str]] = {"full": [], "matrix": []}

    def new_buffer(shape: str) -> str:
        if free[shape]:
            return free[shape].pop()
        name = f"b{alloc.count}"
        alloc.count += 1
        return name

    for index, op in enumerate(program.ops):
        val = op.result
        if _needs_buffer(val):
            dying = [a for a in op.args if isinstance(a, Val) and _needs_buffer(a) and a.shape == val.shape
                     and last_use.get(a.id) == index]
            if op.kind in IN_PLACE_ON_FIRST:
                base = op.args[0]
                if isinstance(base, Val) and base in dying:
                    alloc.buffer[val.id] = alloc.buffer[base.id]
                else:
                    name = new_buffer(val.shape)
                    alloc.buffer[val.id] = name
                    alloc.copy_first.add(val.id)
            elif op.kind in IN_PLACE_KINDS and dying:
                alloc.buffer[val.id] = alloc.buffer[dying[0].id]
            else:
                alloc.buffer[val.id] = new_buffer(val.shape)
        taken = alloc.buffer.get(val.id)
        released = set()
        for arg in op.args:
            if isinstance(arg, Val) and _needs_buffer(arg) and last_use.get(arg.id) == index:
                name = alloc.buffer[arg.id]
                if name != taken and name not in released:
                    free[arg.shape].append(name)
                    released.add(name)
    # a buffer is created (np.empty) at its first appearance
    seen: set[str] = set()
    for op in program.ops:
        created = alloc.buffer.get(op.result.id)
        if created is not None and created not in seen:
            seen.add(created)
            alloc.fresh.add(op.result.id)
    return alloc
