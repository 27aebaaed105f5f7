"""The one build code path behind ``derivkit build`` and ``python build_docs.py``.

For each selected derivation: verify, draw its figures, render each variant to Markdown
(in the chosen site generator's flavor), LaTeX and HTML, compile PDFs; then write ``index.md``
(and ``index.html``, with the bundled KaTeX copied to ``katex/`` beside the pages). Nothing is
redone without a reason, all recorded in ``<out>/.cache/build.json``:

* the whole build is skipped when its inputs (the derivation scripts, derivkit's own source
  and templates, the SymPy/matplotlib versions, the options) hash to the previous run's stamp;
* verdicts are reused while ``Derivation.fingerprint()`` and the verifying source are unchanged;
* a handout is re-rendered only when its derivation, verdicts, variant, date or the rendering
  source changed, a figure only when the figure source or matplotlib changed, and a PDF is kept
  while the hash of its .tex (and figures) is unchanged. Unchanged files are not rewritten.

"Source" is never a hand list: :mod:`derivkit.handouts.sources` follows the imports from the
code that computes each artefact.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from functools import partial
from importlib.metadata import version
from pathlib import Path

import sympy as sp

import derivkit
from derivkit import handouts as render
from derivkit.derivation import registry
from derivkit.derivation.derivation import Derivation, DerivationReport
from derivkit.derivation.steps import StepVerdict
from derivkit.engine.verdict import Counterexample
from derivkit.errors import DerivkitError
from derivkit.handouts import sources
from derivkit.handouts.model import CourseInfo, IndexEntry, IndexPart, Variant
from derivkit.handouts.pdf import INSTALL_HINT, LatexError, compile_pdf, latexmk_available, overfull_boxes

DEFAULT_OUT = Path("build/handouts")
FORMATS = ("md", "tex", "pdf", "html")
STATE_FILE = Path(".cache") / "build.json"
#: Where the TeX log of each compiled PDF is kept (overfull boxes are read from it).
LOG_DIR = Path(".cache") / "latex"
PACKAGE_DIR = sources.PACKAGE_DIR
#: What each cached artefact is computed by (the modules reachable from these by imports).
VERIFIER = ("derivkit.derivation",)
RENDERER = ("derivkit.handouts", "derivkit.handouts.assemble", "derivkit.handouts.environment")
FIGURES = ("derivkit.handouts.figures",)
BUILDER = ("derivkit.handouts.build",)
#: The index pages and the variants each links: students never see a key in index.md.
INDEXES: dict[str, tuple[Variant, ...]] = {"index": ("handout", "worksheet"), "keys": ("key",)}


@dataclass
class BuildResult:
    """What a build did; ``exit_status`` is 0 only when every derivation verified and every PDF compiled."""

    out: Path
    reports: dict[str, DerivationReport] = field(default_factory=dict)
    verified_now: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    #: What a reader would notice on the page: a line past the margin, a blank a worksheet gives away.
    warnings: list[str] = field(default_factory=list)
    pdf_skipped: bool = False
    up_to_date: bool = False

    @property
    def verified(self) -> bool:
        return all(r.verified for r in self.reports.values())

    @property
    def exit_status(self) -> int:
        return 0 if self.verified and not self.errors else 1


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode())
        h.update(b"\0")
    return h.hexdigest()


def _files_digest(paths: Iterable[Path], root: Path) -> str:
    return digest(*(f"{p.relative_to(root)}:{hashlib.sha256(p.read_bytes()).hexdigest()}" for p in sorted(paths)))


def engine_key(root: Path | None = None) -> str:
    """The tool versions plus the source of every module verification runs: a changed engine or
    authoring API re-verifies; a changed sandbox or printer does not."""
    root = root or PACKAGE_DIR
    return digest(derivkit.__version__, sp.__version__, _files_digest(sources.closure(VERIFIER, root), root))


def figures_key(root: Path | None = None) -> str:
    """The source of every module drawing a figure can run, and matplotlib's version."""
    root = root or PACKAGE_DIR
    return digest(_files_digest(sources.closure(FIGURES, root), root), version("matplotlib"))


def render_key(root: Path | None = None) -> str:
    """What every rendered file depends on besides its derivation and verdicts: the source of every
    module rendering runs (hiding reads the parser, captions live with the figures) and the templates."""
    root = root or PACKAGE_DIR
    files = [*sources.closure(RENDERER, root), *sources.templates(root)]
    return digest(derivkit.__version__, sp.__version__, _files_digest(files, root))


def course_figures_key(course: registry.Course, root: Path | None = None) -> str:
    """The source of a course's figures module and of the derivkit modules it imports ('' without one):
    part of the key of every figure the course draws itself."""
    root = root or PACKAGE_DIR
    module = course.figures_module
    if module is None:
        return ""
    imported = sources.closure_of_files([module], root)
    return digest(_files_digest([module], module.parent), _files_digest(imported, root))


def inputs_stamp(course: registry.Course | Path, options: dict[str, object], root: Path | None = None) -> str:
    """Everything a build's output is a function of; equal stamps mean nothing to do: the course's
    scripts, course.toml and figures module, the derivkit modules they and the build import, the
    templates, the tool versions."""
    root = root or PACKAGE_DIR
    course = course if isinstance(course, registry.Course) else registry.read_course(course)
    files = course.inputs
    package = {*sources.closure((*BUILDER, *VERIFIER, *RENDERER, *FIGURES), root),
               *sources.closure_of_files(files and [f for f in files if f.suffix == ".py"], root),
               *sources.templates(root), *sources.static(root)}
    return digest(_files_digest(files, course.root), _files_digest(package, root),
                  sp.__version__, version("matplotlib"), platform.python_version(),
                  json.dumps(options, sort_keys=True, default=str))


def content_text(derivation: Derivation) -> str:
    """What a handout shows beyond the verified steps (prose, examples, exercises, figures)."""
    parts = [derivation.title, derivation.motivation, derivation.fingerprint(), repr(derivation.figures),
             repr(sorted(derivation.captions.items()))]
    parts += [f"{v.symbol!r}|{v.domain}|{v.meaning}" for v in derivation.variables]
    parts += [f"{c.title}|{c.intro}|{c.premise}|{c.start_expr!r}|{c.premise_rule}|{c.premise_justification}"
              f"|{c.conclusion}" for c in derivation.chains]
    parts += [f"{sp.srepr(e.expr)}|{sorted((sp.srepr(k), sp.srepr(v)) for k, v in e.values.items())}|{e.text}"
              for e in derivation.examples]
    parts += [f"{x.prompt}|{sp.srepr(x.answer)}|{sorted(x.assume.items())}" for x in derivation.exercises]
    parts.append(";".join(written_text(form) for form in derivation.written))
    return "\n".join(parts)


def written_text(expr: sp.Basic) -> str:
    """A form's tree in its arguments' order. ``srepr`` (and so the fingerprint) sorts the terms and
    factors, but a form written as text prints in the order written: p*z and z*p render differently."""
    if not expr.args:
        return sp.srepr(expr)
    return f"{type(expr).__name__}({','.join(written_text(a) for a in expr.args)})"


def write_if_changed(path: Path, data: str | bytes) -> bool:
    """Write unless the file already holds exactly ``data``; True when written."""
    raw = data.encode() if isinstance(data, str) else data
    if path.exists() and path.read_bytes() == raw:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    return True


class BuildState:
    """The on-disk cache: verdicts, the last stamp and outputs, and keys of rendered files, figures, PDFs."""

    def __init__(self, path: Path, key: str) -> None:
        self.path, self.key = path, key
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            data = {}
        self.verdicts: dict[str, dict] = data.get("verdicts", {}) if data.get("key") == key else {}
        self.stamp: str = data.get("stamp", "")
        self.outputs: list[str] = data.get("outputs", [])
        self.keys: dict[str, str] = data.get("keys", {})  # output file name -> key of its inputs
        self.index: dict[str, dict] = data.get("index", {})

    def report(self, derivation_id: str, fingerprint: str | None) -> DerivationReport | None:
        """Cached verdicts; ``fingerprint=None`` trusts the entry (the whole-build stamp matched)."""
        entry = self.verdicts.get(derivation_id)
        if not entry or (fingerprint is not None and entry["fingerprint"] != fingerprint):
            return None
        steps = tuple(StepVerdict(**{**s, "counterexample": Counterexample(**s["counterexample"])
                                     if s.get("counterexample") else None,
                                     "forms": tuple(tuple(pair) for pair in s.get("forms", ()))})
                      for s in entry["steps"])
        return DerivationReport(derivation_id, entry["title"], steps, tuple(entry.get("problems", ())))

    def remember(self, derivation: Derivation, report: DerivationReport) -> None:
        self.verdicts[derivation.id] = {"fingerprint": derivation.fingerprint(), "title": derivation.title,
                                        "steps": [asdict(s) for s in report.steps], "problems": list(report.problems)}

    def unchanged(self, out: Path, stamp: str, only: Sequence[str] | None) -> dict[str, DerivationReport] | None:
        """The last run's reports when its stamp matches and its outputs are all still there."""
        if stamp != self.stamp or not all((out / name).exists() for name in self.outputs):
            return None
        reports = {i: self.report(i, None) for i in (dict.fromkeys(only) if only else self.verdicts)}
        return reports if reports and all(reports.values()) else None  # type: ignore[return-value]

    def fresh(self, out: Path, name: str, key: str) -> bool:
        return self.keys.get(name) == key and (out / name).exists()

    def save(self) -> None:
        data = {"key": self.key, "stamp": self.stamp, "outputs": sorted(set(self.outputs)),
                "verdicts": self.verdicts, "keys": self.keys, "index": self.index}
        write_if_changed(self.path, json.dumps(data, indent=1, sort_keys=True) + "\n")


def stem(derivation_id: str, variant: Variant) -> str:
    return derivation_id if variant == "handout" else f"{derivation_id}-{variant}"


class Builder:
    """One run of the build; use :func:`build`."""

    def __init__(self, out: Path, formats: Sequence[str], variants: Sequence[Variant], date: str, force: bool,
                 budget: float, echo: Callable[[str], None], md_flavor: str = render.MD_FLAVORS[0],
                 course: registry.Course | None = None, jobs: int = 1) -> None:
        self.out, self.formats, self.variants, self.date = out, tuple(formats), tuple(variants), date
        self.md_flavor = md_flavor
        self.course = course or registry.builtin_course()
        self.info = CourseInfo(self.course.title, self.course.author, self.course.institution)
        self.own_figures_key = course_figures_key(self.course)
        self.force, self.budget, self.echo, self.jobs = force, budget, echo, max(1, jobs)
        self.pending: list[tuple[str, str]] = []  # PDFs to compile (name, key), in parallel at the end
        self.state = BuildState(out / STATE_FILE, engine_key())
        self.result = BuildResult(out, pdf_skipped="pdf" in formats and not latexmk_available())
        self.want_tex = "tex" in self.formats or "pdf" in self.formats
        self.render_key = render_key()
        self.plots_key = figures_key()

    def verdicts(self, derivation: Derivation) -> DerivationReport:
        report = None if self.force else self.state.report(derivation.id, derivation.fingerprint())
        if report is None:
            report = derivation.verify(budget=self.budget)
            self.state.remember(derivation, report)
            self.result.verified_now.append(derivation.id)
            return report
        # where a step was stated is not part of the fingerprint (moving a line re-verifies nothing)
        return replace(report, steps=tuple(replace(v, where=derivation.where(v.index)) for v in report.steps))

    def produce(self, name: str, key: str, make: Callable[[], str | bytes | None]) -> None:
        """Make ``out/name`` unless its recorded input key is unchanged (``make`` returning None wrote it)."""
        self.state.outputs.append(name)
        if not self.force and self.state.fresh(self.out, name, key):
            return
        data = make()
        if data is None or write_if_changed(self.out / name, data):
            self.result.written.append(self.out / name)
        self.state.keys[name] = key

    def derivation(self, derivation: Derivation) -> None:
        report = self.verdicts(derivation)
        self.result.reports[derivation.id] = report
        web = "md" in self.formats or "html" in self.formats
        fmts = (["svg"] if web else []) + (["pdf"] if self.want_tex else [])
        from derivkit.handouts import figures as plots  # deferred: a cached rebuild never draws

        figures = {}
        own = plots.course_figures(derivation.figures_module)
        for fig in derivation.figures:
            for fmt in fmts:
                name = f"figures/{fig}.{fmt}"
                figures[name] = digest(self.plots_key, name, self.own_figures_key if fig in own else "")
                self.produce(name, figures[name],
                             partial(_draw, fig, self.out / "figures", fmt, derivation.figures_module))
        verdicts = [(v.index, v.status, v.message, v.counterexample and v.counterexample.to_dict())
                    for v in report.steps]  # not the seconds: a re-verification alone changes no handout
        base = digest(content_text(derivation), json.dumps(verdicts, default=str), self.date, self.render_key,
                      repr(self.info))
        for variant in self.variants:
            model = _Lazy(partial(self.warned, derivation, report, variant))
            name = stem(derivation.id, variant)
            if "md" in self.formats:
                self.produce(f"{name}.md", digest(base, variant, "md", self.md_flavor),
                             partial(_rendered, partial(render.markdown, flavor=self.md_flavor), model))
            if "html" in self.formats:
                self.produce(f"{name}.html", digest(base, variant, "html"), partial(_rendered, render.html, model))
            if self.want_tex:
                self.produce(f"{name}.tex", digest(base, variant, "tex"), partial(_rendered, render.latex, model))
                if "pdf" in self.formats:  # keyed by the .tex text itself, as latexmk sees it
                    tex = (self.out / f"{name}.tex").read_bytes()
                    self.pdf(f"{name}.pdf", digest(tex, json.dumps(figures, sort_keys=True)))
        self.state.index[derivation.id] = {"title": derivation.title, "verified": report.verified,
                                           "summary": summary(report)}

    def warned(self, derivation: Derivation, report: DerivationReport, variant: Variant) -> render.Handout:
        """The render model; what it asks the author to fix is passed on as warnings."""
        model = render.handout(derivation, report, variant, date=self.date, course=self.info)
        for warning in model.warnings:
            self.warn_text(warning)
        return model

    def pdf(self, name: str, key: str) -> None:
        """Queue ``name`` for compiling unless its .tex is unchanged (see :meth:`compile_pending`)."""
        if self.result.pdf_skipped:  # a PDF of an older .tex would be stale: better none than a wrong one
            if self.state.keys.get(name) != key:
                (self.out / name).unlink(missing_ok=True)
            return
        self.state.outputs.append(name)
        if self.force or not self.state.fresh(self.out, name, key):
            self.pending.append((name, key))

    def compile_pending(self) -> None:
        """Compile the queued PDFs, ``jobs`` latexmk runs at a time; warn about lines past the margin."""
        def one(name: str) -> LatexError | None:
            try:
                compile_pdf((self.out / name).with_suffix(".tex"), log=self.log(name))
            except LatexError as exc:
                return exc
            return None

        with ThreadPoolExecutor(max_workers=self.jobs) as pool:
            outcomes = list(pool.map(one, [name for name, _ in self.pending]))
        for (name, key), error in zip(self.pending, outcomes):
            if error is not None:
                self.result.errors.append(str(error))
                self.echo(f"derivkit: error: {error}")
                continue
            self.result.written.append(self.out / name)
            self.state.keys[name] = key
            for box in overfull_boxes(self.log(name).read_text(errors="replace")):
                self.warn_text(f"{name}: {box}")
        self.pending = []

    def log(self, name: str) -> Path:
        return self.out / LOG_DIR / f"{Path(name).stem}.log"

    def warn_text(self, warning: str) -> None:
        self.result.warnings.append(warning)
        self.echo(f"derivkit: warning: {warning}")

    def index(self, known: Sequence[Derivation], course: Sequence[registry.CoursePart]) -> None:
        """``index.md`` for students (handouts and worksheets) and, when keys were built, ``keys.md``
        for the instructor: index.md can be handed out, it links to no answer key (likewise .html)."""
        for stem_, variants in INDEXES.items():
            parts = self._index_parts(known, course, variants)
            keys = stem_ != "index"
            for fmt in ("md", "html"):
                name = f"{stem_}.{fmt}"
                if (fmt != "md" and fmt not in self.formats) or (keys and not any(e.files for p in parts
                                                                                    for e in p.entries)):
                    (self.out / name).unlink(missing_ok=True)
                    continue
                self.state.outputs.append(name)
                page = render.index(parts, self.date, fmt, self.md_flavor, course=self.info, keys=keys)
                if write_if_changed(self.out / name, page):
                    self.result.written.append(self.out / name)

    def _index_parts(self, known: Sequence[Derivation], course: Sequence[registry.CoursePart],
                     variants: tuple[Variant, ...]) -> list[IndexPart]:
        entries = {d.id: IndexEntry(d.id, e["title"], e["verified"], e["summary"], self._files(d.id, variants))
                   for d in known if (e := self.state.index.get(d.id))}
        ordered = [(p, tuple(entries[i] for i in p.ids if i in entries)) for p in course]
        parts = [IndexPart(p.title, p.about, shown, n) for n, (p, shown) in enumerate((o for o in ordered if o[1]), 1)]
        listed = {i for p in course for i in p.ids}
        rest = tuple(e for i, e in entries.items() if i not in listed)
        if rest:
            parts.append(IndexPart("Further handouts" if course else "", "", rest))
        return parts

    def katex(self) -> None:
        """The bundled KaTeX beside the HTML pages (each file keyed by its own bytes)."""
        for path in sources.static(PACKAGE_DIR):
            data = path.read_bytes()
            name = f"{render.KATEX_DIR}/{path.relative_to(PACKAGE_DIR / sources.KATEX).as_posix()}"
            self.produce(name, digest(data), partial(bytes, data))

    def _files(self, derivation_id: str, variants: tuple[Variant, ...]) -> tuple[tuple[str, str], ...]:
        names = [(ext if v == "handout" else f"{v} {ext}", f"{stem(derivation_id, v)}.{ext}")
                 for v in variants for ext in FORMATS]
        return tuple((label, name) for label, name in names if (self.out / name).exists())


def _draw(name: str, folder: Path, fmt: str, module: Path | None) -> None:
    from derivkit.handouts import figures as plots

    plots.write_figure(name, folder, fmt, module)


def _rendered(printer: Callable[[render.Handout], str], model: _Lazy) -> str:
    return printer(model())


class _Lazy:
    """Build the render model once, and only if some output needs rendering."""

    def __init__(self, make: Callable[[], render.Handout]) -> None:
        self.make: Callable[[], render.Handout] = make
        self.value: render.Handout | None = None

    def __call__(self) -> render.Handout:
        if self.value is None:
            self.value = self.make()
        return self.value


def summary(report: DerivationReport) -> str:
    counts = {s: sum(1 for v in report.steps if v.status == s) for s in ("proved", "numeric", "failed")}
    if not report.verified:
        own = [str(v.index) for v in report.mistakes]
        dependent = [str(v.index) for v in report.failures if not v.own_failure]
        text = f"FAILED at step {', '.join(own)}" if own else "FAILED"
        if dependent:
            several = len(dependent) > 1
            steps, verb = ("steps", "follow") if several else ("step", "follows")
            text += f" ({steps} {', '.join(dependent)} only {verb} from it)"
        if report.problems:
            text += f"; {len(report.problems)} exercise error{'s' if len(report.problems) > 1 else ''}"
        return text
    return f"{counts['proved']} proved" + (f", {counts['numeric']} numerically checked" if counts["numeric"] else "")


def build(out: Path | str = DEFAULT_OUT, *, formats: Sequence[str] = FORMATS, only: Sequence[str] | None = None,
          variants: Sequence[Variant] = ("handout",), date: dt.date | str | None = None, force: bool = False,
          progress: bool | None = None, budget: float = 10.0, folder: Path | None = None,
          echo: Callable[[str], None] | None = None, md_flavor: str = render.MD_FLAVORS[0],
          course: registry.Course | None = None, jobs: int | None = None) -> BuildResult:
    """Build handouts into ``out``: ``<id>.md/.tex/.pdf/.html`` (``<id>-worksheet.*``, ``<id>-key.*`` for the
    other variants), ``figures/``, ``index.md`` for students (handouts and worksheets) and ``keys.md`` for
    the answer keys (and ``index.html``, ``keys.html`` and ``katex/`` with html). ``pdf`` implies the .tex;
    ``md_flavor`` is the Markdown dialect (``render.MD_FLAVORS``). ``progress=None``: a bar on a terminal.
    The course is ``course``, else the course in ``folder``, else the built-in one. ``jobs``: how many PDFs
    compile at once (default: the number of CPUs, at most 4)."""
    bad = sorted(set(formats) - set(FORMATS)) + sorted(set(variants) - set(render.VARIANTS))
    if bad:
        raise DerivkitError(f"unknown format or variant {', '.join(bad)}; formats: {', '.join(FORMATS)}; "
                            f"variants: {', '.join(render.VARIANTS)}")
    if md_flavor not in render.MD_FLAVORS:
        raise DerivkitError(f"unknown Markdown flavor {md_flavor!r}; use one of {', '.join(render.MD_FLAVORS)}")
    say = echo or (lambda line: print(line, file=sys.stderr))
    course = course or (registry.read_course(folder) if folder is not None else registry.builtin_course())
    jobs = jobs if jobs is not None else min(4, os.cpu_count() or 1)
    builder = Builder(Path(out), formats, variants, render.build_date(date), force, budget, say, md_flavor, course,
                      jobs)
    if builder.result.pdf_skipped:
        say(INSTALL_HINT)
    options = {"formats": sorted(formats), "variants": sorted(variants), "only": sorted(only or []),
               "md_flavor": md_flavor,
               "date": builder.date, "budget": budget, "latexmk": not builder.result.pdf_skipped}
    stamp, state = inputs_stamp(course, options), builder.state
    reports = None if force else state.unchanged(builder.out, stamp, only)
    if reports:
        builder.result.reports, builder.result.up_to_date = reports, True
        return builder.result
    from tqdm import tqdm

    from derivkit.handouts import figures as plots

    known = course.derivations()
    parts = course.parts()  # a bad reading order fails before anything is written
    selected = [course.load(i) for i in dict.fromkeys(only)] if only else known
    for derivation in selected:
        for name in derivation.figures:
            plots.spec(name, derivation.figures_module)  # an unknown figure name fails before anything is written
    if not only:
        state.outputs = []  # a full build lists its outputs afresh; --only adds to the last list
    bar = tqdm(selected, desc="derivkit build", unit="derivation", file=sys.stderr,
               disable=None if progress is None else not progress)
    for derivation in bar:
        bar.set_postfix_str(derivation.id)
        builder.derivation(derivation)
    builder.compile_pending()
    builder.index(known, parts)
    if "html" in builder.formats:
        builder.katex()
    state.verdicts = {i: v for i, v in state.verdicts.items() if i in {d.id for d in known}}
    state.stamp = stamp if not builder.result.errors else ""
    state.save()
    return builder.result
