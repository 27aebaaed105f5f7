"""Code generation: derivkit/numeric.py and ``derivkit export`` snippets from the symbolic formulas.

* :mod:`.specs` — each numeric function's textbook formula and its stable form (SymPy steps);
* :mod:`.proofs` — the claims "stable form == textbook formula" (by cases where needed),
  decided by the equivalence engine;
* :mod:`.lowering` and :mod:`.printers` — a printer per target (NumPy in place, JAX, PyTorch);
* :mod:`.generator` and ``templates/`` — Jinja templates named ``what.ext.jinja``.
"""

from derivkit.codegen.generator import (
                                        NUMERIC_PATH,
                                        TARGETS,
                                        ExportError,
                                        ProofFailure,
                                        check,
                                        exportable,
                                        generate_numeric,
                                        prove_all,
                                        snippet,
                                        write,
)

__all__ = ["NUMERIC_PATH", "TARGETS", "ExportError", "ProofFailure", "check", "exportable", "generate_numeric",
           "prove_all", "snippet", "write"]
