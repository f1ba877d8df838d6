"""Peak memory of embedding one long recording, whole vs in frontend windows; and windowing's effect on EER.

usage: python bench/long_audio.py memory [--size tiny|base_plus] [--device cpu|cuda] [--seconds 10 60 600]
       python bench/long_audio.py eer [--windows 0 3 2 1 0.5]   (random tiny model, the demo's O trials)
Each memory measurement runs in its own process: CPU peak = ru_maxrss growth, GPU peak = max_memory_allocated."""
import argparse, json, resource, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np, torch

def model_for(size, folder):
    from lap_nb.config import load_config
    from lap_nb.frontends import build_random_wavlm
    from lap_nb.model import build_model
    path = Path(folder)/f'wavlm-{size}'
    if not path.exists(): build_random_wavlm(path, size)
    torch.manual_seed(0)
    return build_model(load_config('demo' if size == 'tiny' else 'paper', dict(frontend_cfg=str(path)))).eval()

def one(size, device, seconds, window, folder):
    "Peak memory (MB) of embedding `seconds` of noise; window 0 = the whole file at once."
    from lap_nb.embeddings import embed_batch
    torch.set_num_threads(2)
    model = model_for(size, folder).to(device)
    wav = torch.from_numpy(np.random.default_rng(0).normal(0, 0.1, int(seconds * 16000)).astype(np.float32)).to(device)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if device == 'cuda': torch.cuda.synchronize(); torch.cuda.reset_peak_memory_stats(); gbase = torch.cuda.memory_allocated() / 2**20
    t = time.time()
    with torch.inference_mode():
        kw = dict(window=int(window * 16000), overlap=32000) if window else {}
        emb = embed_batch(model, wav[None], torch.tensor([len(wav)], device=device), **kw)
    if device == 'cuda': torch.cuda.synchronize()
    out = dict(seconds=seconds, window=window, time_s=round(time.time() - t, 2),
               cpu_peak_growth_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - base))
    if device == 'cuda': out['gpu_peak_mb'] = round(torch.cuda.max_memory_allocated() / 2**20 - gbase)
    out['emb'] = emb[0].float().cpu().tolist()
    print(json.dumps(out))

def memory(a):
    folder = tempfile.mkdtemp()
    model_for(a.size, folder)  # build once
    rows = {}
    for s in a.seconds:
        for w in ([0] if s <= a.max_whole else []) + [a.window]:
            r = subprocess.run([sys.executable, __file__, 'one', a.size, a.device, str(s), str(w), folder], capture_output=True, text=True)
            rows[s, w] = json.loads(r.stdout.strip().splitlines()[-1]) if r.returncode == 0 else dict(error=(r.stderr.strip().splitlines() or ['killed'])[-1][:120], rc=r.returncode)
            print(s, w, {k: v for k, v in rows[s, w].items() if k != 'emb'}, flush=True)
        if 'emb' in rows.get((s, 0), {}) and 'emb' in rows[s, a.window]:
            e0, e1 = np.array(rows[s, 0]['emb']), np.array(rows[s, a.window]['emb'])
            print(f'{s} s: cosine(whole, windowed) = {e0 @ e1 / np.linalg.norm(e0) / np.linalg.norm(e1):.4f}', flush=True)

def eer_effect(a):
    from lap_nb.audio import read_trials
    from lap_nb.embeddings import extract_embeddings
    from lap_nb.metrics import eer
    torch.set_num_threads(2)
    model, root = model_for('tiny', tempfile.mkdtemp()), Path('data/synthetic/voxceleb1/wav')
    t = read_trials('data/synthetic/voxceleb1/veri_test2.txt', root)
    ref = None
    for w in a.windows:
        emb = extract_embeddings(model, t.files, root, 120.0, progress=False, window_seconds=w or None, overlap_seconds=min(0.4 * w, 2.0))['emb']
        emb = emb / np.linalg.norm(emb, axis=1, keepdims=True)
        ref = emb if ref is None else ref
        cos = (emb * ref).sum(1)
        print(f'window {w or "whole"} s: EER {100 * eer((emb[t.enroll_idx] * emb[t.test_idx]).sum(1), t.labels):.2f} %, '
              f'cosine to whole: median {np.median(cos):.4f}, min {cos.min():.4f}', flush=True)

if __name__ == '__main__':
    if sys.argv[1] == 'one': one(sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]), sys.argv[6]); sys.exit()
    p = argparse.ArgumentParser(); p.add_argument('what', choices=('memory', 'eer'))
    p.add_argument('--size', default='tiny'); p.add_argument('--device', default='cpu')
    p.add_argument('--seconds', type=float, nargs='+', default=[10, 60, 600]); p.add_argument('--window', type=float, default=20.0)
    p.add_argument('--max_whole', type=float, default=120, help='longest file also embedded whole (the whole 10 min needs > 14 GB)')
    p.add_argument('--windows', type=float, nargs='+', default=[0, 3, 2, 1, 0.5])
    a = p.parse_args()
    memory(a) if a.what == 'memory' else eer_effect(a)
