"""The one GPU check: the `cuda` cells, the paper's three phases on random WavLM-Base+ and WavLM-Large, and embedding
extraction of full-length utterances; one table on stdout and a JSON file.

Run where a GPU is at hand (at most ~8 minutes on one H100/H200):
    .venv/bin/python bench/gpu_check.py --json outputs/gpu_check.json
1. `nbdev_test --flags cuda --path nbs/44_gpu.ipynb`: fp16 with its gradient scaler, bf16, pinned memory, SyncBatchNorm
   under DDP over NCCL, and the demo's six phases with `--quick_check` on CUDA.
2. Training throughput per phase (`bench/train_throughput.py`'s `phase_row`: real `PhaseTrainer` steps in the phase's
   precision) at the paper's per-rank batch for `--gpus` GPUs, halved until it fits; peak memory is
   `torch.cuda.max_memory_allocated`.
3. Embedding extraction (the evaluation path: fp32, length-sorted batches of `eval_batch_seconds` of padded audio) of
   utterances of 4-20 s, in utterances per second.
Each part is guarded: a failure is recorded in the JSON and the next part still runs.
"""
import argparse, json, subprocess, sys, tempfile, time, traceback
from pathlib import Path
import numpy as np, pandas as pd, torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_throughput import phase_row  # noqa: E402  (a script beside this one)
from lap_nb.config import load_config
from lap_nb.runs import TRAIN_PHASES
from lap_nb.embeddings import length_batches
from lap_nb.frontends import build_random_wavlm
from lap_nb.model import build_model

ROOT = Path(__file__).resolve().parent.parent

def cuda_cells(timeout:float) -> dict:
    "Run the `cuda`-flagged notebook; passed, seconds and the tail of its output."
    t = time.time()
    code = ("import sys; from pathlib import Path; from nbdev.test import test_nb; "
            "sys.exit(0 if test_nb(Path('nbs/44_gpu.ipynb').resolve(), skip_flags=['slow', 'cuda'], force_flags=['cuda'])[0] else 1)")
    cmd = [sys.executable, '-c', code]
    try: r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout); ok, out = r.returncode == 0, r.stdout + r.stderr
    except subprocess.TimeoutExpired as e: ok, out = False, f'timed out after {timeout} s\n{e.stdout or ""}{e.stderr or ""}'
    return dict(passed=ok, seconds=round(time.time() - t, 1), output=out[-4000:])

def peak_gib() -> float: return torch.cuda.max_memory_allocated() / 2**30 if torch.cuda.is_available() else float('nan')

def reset_peak():
    if torch.cuda.is_available(): torch.cuda.empty_cache(); torch.cuda.reset_peak_memory_stats()

def train_rows(frontend, size, phases, gpus, batch, steps, warmup, device) -> list:
    "`phase_row` per phase at the paper's per-rank batch (or `batch`), halved on out-of-memory; adds peak memory."
    rows = []
    for phase in phases:
        cfg = load_config('paper', phase=phase)
        b = batch or cfg.batch_size // gpus
        while True:
            reset_peak()
            try: row = phase_row(phase, frontend, gpus, b, steps, warmup, device); break
            except torch.OutOfMemoryError:
                if b == 1: raise
                b //= 2; print(f'{size} {phase}: out of memory, per-rank batch -> {b}', flush=True)
        rows.append(dict(size=size, **row, peak_gib=round(peak_gib(), 1)))
        print(rows[-1], flush=True)
    return rows

@torch.inference_mode()
def embed_row(frontend, size, n_utts, device, seed=0) -> dict:
    "Utterances per second of the evaluation path (fp32 forward of frontend + LAP + ASTP) on 4-20 s utterances."
    cfg = load_config('paper', dict(frontend_cfg=str(frontend), device=device))
    model = build_model(cfg).to(device).eval()
    rng = np.random.default_rng(seed)
    n = rng.integers(4 * cfg.sample_rate, 20 * cfg.sample_rate, n_utts)
    batches = length_batches(n, cfg.eval_batch_seconds, cfg.sample_rate)
    def one_pass():
        for idx in batches:
            lens = torch.as_tensor(n[idx], device=device)
            wav = 0.1 * torch.randn(len(idx), int(lens.max()), device=device)
            model(wav, lens).float().cpu()
    one_pass()  # warm-up: kernels, allocator
    reset_peak()
    if torch.cuda.is_available(): torch.cuda.synchronize()
    t = time.time(); one_pass()
    if torch.cuda.is_available(): torch.cuda.synchronize()
    secs = time.time() - t
    return dict(size=size, utterances=n_utts, audio_hours=round(n.sum() / cfg.sample_rate / 3600, 2), batches=len(batches),
                utterances_per_second=round(n_utts / secs, 1), realtime_factor=round(n.sum() / cfg.sample_rate / secs),
                peak_gib=round(peak_gib(), 1))

def guarded(name, report, fn):
    "Run `fn`, recording its result or its error under `report[name]`."
    t = time.time()
    try: report[name] = fn()
    except Exception as e: report[name] = dict(error=f'{type(e).__name__}: {e}', traceback=traceback.format_exc()[-3000:])
    print(f'[{name}] {time.time() - t:.0f} s', flush=True)

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--sizes', nargs='+', default=['base_plus', 'large'], choices=['tiny', 'base_plus', 'large'])
    p.add_argument('--phases', nargs='+', default=list(TRAIN_PHASES), choices=list(TRAIN_PHASES))
    p.add_argument('--gpus', type=int, default=4, help='the paper batch is shared over this many GPUs (per-rank batch)')
    p.add_argument('--batch', type=int, default=0, help='per-rank micro-batch (default: paper batch / --gpus, halved until it fits)')
    p.add_argument('--steps', type=int, default=8, help='timed optimiser steps per phase')
    p.add_argument('--warmup', type=int, default=3)
    p.add_argument('--embed_utts', type=int, default=64, help='utterances of 4-20 s embedded per size')
    p.add_argument('--device', default='cuda')
    p.add_argument('--skip_cells', action='store_true', help='do not run the cuda notebook')
    p.add_argument('--cells_timeout', type=float, default=420, help='seconds for the cuda notebook (its demo cell prepares the corpus first)')
    p.add_argument('--json', default='gpu_check.json')
    a = p.parse_args()
    report = dict(device=torch.cuda.get_device_name() if torch.cuda.is_available() else 'CPU', torch=torch.__version__,
                  args=vars(a), started=time.strftime('%Y-%m-%dT%H:%M:%S'))
    save = lambda: Path(a.json).write_text(json.dumps(report, indent=2, default=str))
    if not a.skip_cells: guarded('cuda_cells', report, lambda: cuda_cells(a.cells_timeout)); save()
    report['train'], report['embed'] = [], []
    with tempfile.TemporaryDirectory() as d:
        for size in a.sizes:
            frontend = build_random_wavlm(Path(d)/f'wavlm-{size}', size)
            guarded(f'train_{size}', report, lambda: train_rows(frontend, size, a.phases, a.gpus, a.batch, a.steps, a.warmup, a.device))
            if isinstance(report[f'train_{size}'], list): report['train'] += report.pop(f'train_{size}')
            save()
            guarded(f'embed_{size}', report, lambda: embed_row(frontend, size, a.embed_utts, a.device))
            if 'error' not in report[f'embed_{size}']: report['embed'].append(report.pop(f'embed_{size}'))
            save()
    print(f"\n{report['device']}, torch {report['torch']}")
    if 'cuda_cells' in report: print(f"cuda cells (nbs/44_gpu.ipynb): {'passed' if report['cuda_cells'].get('passed') else 'FAILED'}")
    if report['train']: print(pd.DataFrame(report['train']).to_markdown(index=False))
    if report['embed']: print(pd.DataFrame(report['embed']).to_markdown(index=False))
    for k, v in report.items():
        if isinstance(v, dict) and 'error' in v: print(f'{k}: {v["error"]}')
    save(); print(f'wrote {a.json}')

if __name__ == '__main__': main()
