"""A wheel built from the repository carries the derivations and runs outside the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out)],
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        pytest.fail(f"building the wheel failed:\n{result.stderr[-2000:]}")
    return next(out.glob("derivkit-*.whl"))


def test_wheel_ships_every_derivation_script(wheel: Path):
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(n).name for n in names if n.startswith("derivkit/_derivations/")}
    expected = {p.name for p in (ROOT / "derivations").glob("*.py")}
    assert expected <= shipped


def test_wheel_ships_py_typed(wheel: Path):
    """PEP 561: without the marker, type checkers ignore derivkit's annotations in user code."""
    assert "derivkit/py.typed" in zipfile.ZipFile(wheel).namelist()


def test_wheel_ships_the_templates_and_the_bundled_katex(wheel: Path):
    """HTML pages render their math offline only if KaTeX (script, styles, fonts, licence) is in the wheel."""
    names = set(zipfile.ZipFile(wheel).namelist())
    katex = "derivkit/handouts/static/katex/"
    assert {f"{katex}katex.min.js", f"{katex}katex.min.css", f"{katex}LICENSE"} <= names
    fonts = {p.name for p in (ROOT / "src" / katex / "fonts").glob("*.woff2")}
    assert fonts and {f"{katex}fonts/{font}" for font in fonts} <= names
    templates = {p.name for p in (ROOT / "src/derivkit/handouts/templates").glob("*.jinja")}
    assert {f"derivkit/handouts/templates/{t}" for t in templates} <= names


def test_installed_wheel_finds_derivations_outside_the_checkout(wheel: Path, tmp_path: Path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = "from derivkit.derivation import registry; print(registry.derivations_dir()); print(' '.join(registry.ids()))"
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    folder, ids = result.stdout.splitlines()
    assert folder.startswith(str(target))
    assert "sigmoid-from-logit" in ids.split()


COURSE_SCRIPT = '''
from derivkit import Derivation

d = Derivation("mse-gradient", "The gradient of the squared error")
w = d.symbol("w", "real", "the weight")
x = d.symbol("x", "real", "the input")
y = d.symbol("y", "real", "the target")
c = d.chain("Differentiate the loss")
c.start("(w*x - y)^2/2", rule="the squared error")
c.differentiate(w, "{stated}", rule="the chain rule")
c.conclude("mse-gradient", main=True)
d.exercise("Differentiate the loss by $w$.", "(w*x - y)*x", of="mse-gradient", wrong="2*(w*x - y)*x")
d.figure("parabola", caption="The loss is a parabola in $w$.")
derivation = d
'''

COURSE_FIGURE = '''

@figure("parabola", formulas=("w",))
def parabola(fig):
    w = np.linspace(-1, 3, 41)
    ax = fig.add_subplot()
    ax.plot(w, (2 * w - 2) ** 2 / 2)
    ax.set_xlabel("$w$")
'''


@pytest.mark.slow
def test_a_course_of_ones_own_from_the_wheel_in_a_fresh_venv(wheel: Path, tmp_path: Path):
    """The instructor's path, outside any checkout: derivkit new, a derivation and a figure of one's own,
    verify, build md, tex and pdf; a broken step makes verify exit 1 naming file.py:LINE."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    # The dependencies come from the running environment (a .pth listing its site-packages, whose own
    # .pth files, the editable derivkit among them, are not processed): no network, and only the wheel
    # provides derivkit.
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    deps = [p for p in sys.path if p.endswith("site-packages")]
    Path(site, "_derivkit_test_deps.pth").write_text("\n".join(deps) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    derivkit = str(venv / "bin" / "derivkit")

    def run(*args: str, cwd: Path = tmp_path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, timeout=600)

    where = run(str(python), "-c", "import derivkit; print(derivkit.__file__)")
    assert where.stdout.startswith(str(venv)), where.stdout + where.stderr
    assert run(derivkit, "new", "course", "--title", "Deep nets", "--author", "Ada").returncode == 0
    course = tmp_path / "course"
    script = course / "derivations" / "mse_gradient.py"
    script.write_text(COURSE_SCRIPT.format(stated="(w*x - y)*x"))
    figures = course / "figures.py"
    figures.write_text(figures.read_text() + COURSE_FIGURE)
    verified = run(derivkit, "verify", cwd=course)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "mse-gradient" in verified.stdout and "tanh-derivative" in verified.stdout
    built = run(derivkit, "build", "--format", "md,tex,pdf", "--variant", "handout,worksheet,key", "--no-progress",
                cwd=course)
    assert built.returncode == 0, built.stdout + built.stderr
    out = course / "build" / "handouts"
    assert (out / "mse-gradient.md").exists() and (out / "mse-gradient-key.tex").exists()
    assert (out / "figures" / "parabola.svg").exists() and (out / "figures" / "parabola.pdf").exists()
    assert (out / "index.md").read_text().startswith("# Deep nets") and (out / "keys.md").exists()
    if shutil.which("latexmk"):
        assert (out / "mse-gradient.pdf").exists() and (out / "tanh-derivative-worksheet.pdf").exists()
    script.write_text(COURSE_SCRIPT.format(stated="2*(w*x - y)*x"))
    broken = run(derivkit, "verify", cwd=course)
    assert broken.returncode == 1
    assert "derivations/mse_gradient.py:10:" in broken.stdout, broken.stdout
    alone = run(str(python), "derivations/mse_gradient.py", cwd=course)
    assert alone.returncode == 1 and "mse_gradient.py:10" in alone.stdout
