#!/usr/bin/env python
"""Every test of lap_nb: the library is what the notebooks export, the notebooks are clean, and every notebook in
nbs/ passes `nbdev_test --flags slow` (tests live next to the code; cells flagged `slow` run multi-process torchrun and,
in 95_e2e, the phase notebooks end to end with papermill; `cuda` cells need a GPU and are left out).
Ends with a line `N passed, N failed`; exits non-zero on any failure."""
import argparse, filecmp, os, shutil, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

def _copy_project(dest):
    for name in ('settings.ini', 'setup.py', 'README.md'): shutil.copy2(ROOT/name, dest/name)
    for name in ('nbs', 'lap_nb'):
        shutil.copytree(ROOT/name, dest/name, ignore=shutil.ignore_patterns('__pycache__', '.ipynb_checkpoints'))

def _tree_diff(a, b, pattern):
    fa = {p.relative_to(a) for p in a.rglob(pattern) if '.ipynb_checkpoints' not in p.parts and '__pycache__' not in p.parts}
    fb = {p.relative_to(b) for p in b.rglob(pattern) if '.ipynb_checkpoints' not in p.parts and '__pycache__' not in p.parts}
    return sorted(str(p) for p in fa ^ fb | {p for p in fa & fb if not filecmp.cmp(a/p, b/p, shallow=False)})

def _check_in_copy(tool, tree, pattern, advice):
    "Run nbdev `tool` in a copy of the project; fail naming every file of `tree` it would change."
    with tempfile.TemporaryDirectory() as d:
        d = Path(d); _copy_project(d)
        r = subprocess.run([BIN/tool], cwd=d, capture_output=True, text=True)
        if r.returncode: return False, f'{tool} failed:\n{r.stderr[-3000:]}'
        diff = _tree_diff(ROOT/tree, d/tree, pattern)
    return (False, advice(', '.join(f'{tree}/{p}' for p in diff))) if diff else (True, '')

def check_export():
    "lap_nb/ must be exactly what nbdev_export writes from nbs/ (checked in a copy: nothing here is touched)."
    return _check_in_copy('nbdev_export', 'lap_nb', '*.py', lambda files: (
        f'lap_nb/ differs from what nbdev_export writes from the notebooks: {files}.\n'
        'lap_nb/ is generated: edit the notebook in nbs/ (not the module), then run `make export` and commit both.'))

def check_clean():
    "Notebooks must be unchanged by nbdev_clean (no outputs, execution counts or stray metadata committed)."
    return _check_in_copy('nbdev_clean', 'nbs', '*.ipynb', lambda files: f'notebooks not clean: {files}.\nRun `make clean` (nbdev_clean) and commit.')

def test_notebook(nb, flags):
    "One notebook through nbdev_test."
    cmd = [str(BIN/'nbdev_test'), '--path', str(nb)] + (['--flags', flags] if flags else [])
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    return r.returncode == 0, (r.stdout + r.stderr)[-6000:]

def notebooks():
    "Library and test notebooks (phase notebooks are run by 95_e2e through papermill), longest first."
    nbs = sorted(p for p in (ROOT/'nbs').glob('*.ipynb') if not p.name.startswith(('_', '.')))
    return sorted(nbs, key=lambda p: 'e2e' not in p.name)

def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--flags', default='slow', help='nbdev test flags to run as well: "slow" (the default: torchrun and end-to-end cells), "" for none')
    ap.add_argument('--workers', type=int, default=2, help='notebooks tested in parallel')
    ap.add_argument('--only', default='', help='substring: test only notebooks whose name contains it')
    a = ap.parse_args()
    os.environ.setdefault('OMP_NUM_THREADS', '1')  # parallel notebooks, not parallel BLAS threads
    results, t0 = [], time.time()
    def report(name, ok, msg, secs):
        results.append(ok)
        print(f"{'PASS' if ok else 'FAIL'} {name} ({secs:.0f} s)", flush=True)
        if not ok: print('    ' + msg.replace('\n', '\n    '), flush=True)
    for name, check in (('export matches notebooks', check_export), ('notebooks are clean', check_clean)):
        t = time.time(); ok, msg = check(); report(name, ok, msg, time.time() - t)
    nbs = [p for p in notebooks() if a.only in p.name]
    def run(nb):
        t = time.time(); ok, msg = test_notebook(nb, a.flags); return nb, ok, msg, time.time() - t
    with ThreadPoolExecutor(a.workers) as ex:
        for nb, ok, msg, secs in ex.map(run, nbs): report(f'nbs/{nb.name}', ok, msg, secs)
    n_ok = sum(results)
    print(f'total {time.time() - t0:.0f} s')
    print(f'{n_ok} passed, {len(results) - n_ok} failed')
    sys.exit(0 if n_ok == len(results) else 1)

if __name__ == '__main__': main()
