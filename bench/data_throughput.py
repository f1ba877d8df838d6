"""Training items per second per DataLoader worker with the paper's augmentation, and the workers one GPU needs in phase 1.

`.venv/bin/python bench/data_throughput.py [--quick] [--gpu_crops_per_second N] [--json PATH]`

Reads the embedded synthetic corpus (`lap-nb prepare --source synthetic`; generated into `--data` when absent) through
the real `lap_nb.datasets.TrainDataset` with the paper's augmentation values (probability 0.6 over reverb / noise /
music / babble / TV, SNRs and babble counts of SPEC section 2, speed factors 1.0 1.0 1.0 0.9 1.1), file reading
included, at 2 s and 6 s crops, with 1, 2 and up to all of this machine's cores as DataLoader workers. Two splits:
`workers` (everything per item in the workers) and `device` (workers read, crop and speed-perturb; `BatchAugmenter`
mixes per batch, timed separately on `--device`). The per-worker rates are steady-state (each worker's first batch is
not timed). The synthetic sources are few and stay in each worker's cache; real MUSAN and RIRs (tens of thousands of
files) are read from disk more often, and VoxCeleb2 files are longer (8 s on average against 5 s here), so real
rates are lower. Workers per GPU = GPU crops per second / one worker's items per second at 2 s (phase 1).
"""
import argparse, json, math, os, time
from pathlib import Path
import numpy as np, pandas as pd, torch
from torch.utils.data import DataLoader, RandomSampler
from lap_nb.config import load_config
from lap_nb.datasets import TrainDataset
from lap_nb.augment import BatchAugmenter
from lap_nb.prepare import prepare

# README, "Reproducing the paper": WavLM-Large phase 1 (frozen, fp16, 128 x 2 s per rank) on one H200, bench/gpu_check.py
MEASURED_GPU_CROPS_PER_SECOND = 985

def dataset(data, crop, augment_on, **overrides):
    "The paper's phase-1 training set on the synthetic corpus, with `crop` seconds and augmentation in `augment_on`."
    cfg = load_config('paper', dict(data_root=str(data), musan_dir='musan', crop_seconds=crop, augment_on=augment_on, **overrides),
                      phase='train_frozen')
    return TrainDataset.from_config(cfg)

def loader_rate(ds, workers, batch, seconds):
    "Steady-state items per second of a DataLoader with `workers` workers (each worker's first batch untimed)."
    loader = DataLoader(ds, batch_size=batch, num_workers=workers, sampler=RandomSampler(ds, replacement=True, num_samples=10**8),
                        persistent_workers=False, prefetch_factor=2)
    it, items = iter(loader), 0
    for _ in range(workers): next(it)  # start-up: fork, imports, first file reads
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds: items += len(next(it)[0])
    rate = items / (time.perf_counter() - t0)
    del it
    return rate

def item_rate(ds, seconds, rng):
    "Items per second of `ds[i]` in this process (one thread)."
    t0, n = time.perf_counter(), 0
    while time.perf_counter() - t0 < seconds: ds[int(rng.integers(len(ds)))]; n += 1
    return n / (time.perf_counter() - t0)

def batch_aug_rate(ds, device, batch, seconds):
    "Items per second of `BatchAugmenter` on `device` over batches of `batch` crops (reading not included)."
    bat = BatchAugmenter(ds.device_augmenter, device, seed=0)
    x = torch.stack([ds[i][0] for i in range(batch)]).to(device)
    sync = torch.cuda.synchronize if torch.device(device).type == 'cuda' else (lambda: None)
    for _ in range(3): bat(x)  # banks filled, kernels warm
    sync(); t0, n = time.perf_counter(), 0
    while time.perf_counter() - t0 < seconds: bat(x); n += batch; sync() if n % (8 * batch) == 0 else None
    sync()
    return n / (time.perf_counter() - t0)

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data', default='data/synthetic', help='synthetic corpus (generated when absent)')
    p.add_argument('--crops', type=float, nargs='+', default=[2.0, 6.0], help='crop lengths, seconds')
    p.add_argument('--workers', type=int, nargs='+', default=None, help='worker counts (default 1, 2, 4, ... up to the cores)')
    p.add_argument('--batch', type=int, default=32, help='items per loader batch')
    p.add_argument('--seconds', type=float, default=8.0, help='timed seconds per measurement')
    p.add_argument('--gpu_crops_per_second', type=float, default=MEASURED_GPU_CROPS_PER_SECOND,
                   help="one GPU's phase-1 crops per second (default: WavLM-Large measured on an H200; Base+: 1829)")
    p.add_argument('--device', default='auto', help="where BatchAugmenter is timed: auto (cuda when present) | cpu | cuda")
    p.add_argument('--quick', action='store_true', help='2 s crops at 1 and 2 workers, 6 s at 1, short timings: under a minute on 2 cores')
    p.add_argument('--json', default=None, help='also write the results here')
    a = p.parse_args()
    cores = len(os.sched_getaffinity(0))
    workers = a.workers or [w for w in (1, 2, 4, 8, 16, 32, 64) if w <= max(cores, 2)]
    if a.quick: workers, a.seconds = [1, 2], 1.5
    device = ('cuda' if torch.cuda.is_available() else 'cpu') if a.device == 'auto' else a.device
    if not (Path(a.data) / 'synthetic.json').is_file():
        print(f'generating the synthetic corpus in {a.data} (about a minute on 2 cores)', flush=True)
        prepare('synthetic', a.data, workers=min(cores, 16))
    torch.set_num_threads(1)  # the in-process timings are per core, like one worker
    rows, split, rng = [], [], np.random.default_rng(0)
    for crop in a.crops:
        ws = [1] if a.quick and crop != a.crops[0] else workers
        for on in ('workers', 'device'):
            ds = dataset(a.data, crop, on)
            for w in ws:
                rate = loader_rate(ds, w, a.batch, a.seconds)
                rows.append(dict(crop_s=crop, augment_on=on, workers=w, items_per_s=round(rate, 1), per_worker=round(rate / w, 1)))
                print(rows[-1], flush=True)
        plain, t = dataset(a.data, crop, 'device'), a.seconds / 2
        split.append(dict(crop_s=crop, read_crop=round(item_rate(dataset(a.data, crop, 'device', speed_perturb=False), t, rng), 1),
                          read_crop_speed=round(item_rate(plain, t, rng), 1),
                          workers_path_item=round(item_rate(dataset(a.data, crop, 'workers'), t, rng), 1),
                          batch_augment_cpu=round(batch_aug_rate(plain, 'cpu', a.batch, t), 1)))
        if device != 'cpu': split[-1][f'batch_augment_{device}'] = round(batch_aug_rate(plain, device, 256, t), 1)
        s = split[-1]
        s['device_path_cpu'] = round(1 / (1 / s['read_crop_speed'] + 1 / s['batch_augment_cpu']), 1)  # both on one core
        print(s, flush=True)
    df, sp = pd.DataFrame(rows), pd.DataFrame(split)
    first = df[df.crop_s == a.crops[0]]
    one, busy = (first[first.workers == w].set_index('augment_on').per_worker for w in (1, first.workers.max()))
    need = {on: math.ceil(a.gpu_crops_per_second / one[on]) for on in one.index}  # at one worker's rate: a lower bound
    need_busy = {on: math.ceil(a.gpu_crops_per_second / busy[on]) for on in busy.index}
    print(f'\n{cores} cores; items per second (file reading included), steady state, per worker = items/s / workers:')
    print(df.to_markdown(index=False))
    print('\nin one process on one core, items per second: read + crop; + speed perturbation; + MUSAN/RIR per item '
          '(workers path); BatchAugmenter alone per batch; and the device path run on this CPU (read, crop, speed, then BatchAugmenter):')
    print(sp.to_markdown(index=False))
    print(f'\nphase 1 at {a.gpu_crops_per_second:,.0f} crops/s per GPU ({a.crops[0]:g} s crops) needs per GPU, at one lone '
          f'worker\'s rate, {need["workers"]} workers with augment_on=workers ({one["workers"]:.0f} items/s each) and '
          f'{need["device"]} with augment_on=device ({one["device"]:.0f} items/s each); at the rate per worker with '
          f'{first.workers.max()} busy, {need_busy["workers"]} and {need_busy["device"]}')
    if a.json: Path(a.json).write_text(json.dumps(dict(cores=cores, device=device, gpu_crops_per_second=a.gpu_crops_per_second,
                                                      loader=rows, in_process=split, workers_per_gpu=need,
                                                      workers_per_gpu_all_busy=need_busy), indent=1))

if __name__ == '__main__': main()
