"""Training throughput of the paper's three phases on this machine, and the wall time they imply on `--gpus` GPUs.

Run on the GPU you will train on: `.venv/bin/python bench/train_throughput.py --size large --gpus 4`.
Each phase runs `--steps` real optimiser steps (`PhaseTrainer.train_step`: its precision, frozen or trained frontend,
gradient accumulation and loss) of one rank's share of the paper's batch, with a randomly initialised WavLM of the
chosen size (no download) and random audio (no file reading or augmentation: those run in DataLoader workers beside
the GPU, so this is the compute floor). The projection is epochs x VoxCeleb2-dev utterances x the measured time per
crop, divided over the GPUs; validation and all-reduce time are not included. `--batch` shrinks the per-rank batch
for a smoke run on a CPU; the projection then assumes time per crop stays the same, which only holds on a busy GPU.
"""
import argparse, tempfile
from pathlib import Path
import numpy as np, pandas as pd, torch
from lap_nb.config import load_config
from lap_nb.runs import TRAIN_PHASES
from lap_nb.frontends import build_random_wavlm
from lap_nb.datasets import distinct_factors
from lap_nb.train import PhaseTrainer

VOX2_DEV_UTTERANCES, VOX2_DEV_SPEAKERS = 1_092_009, 5_994

class RandomCrops(torch.utils.data.Dataset):
    "Random waveforms with labels, the shape of `TrainDataset`'s items, drawn from a few fixed crops so loading costs nothing."
    def __init__(self, n_items, crop_samples, n_classes):
        self.n_items, self.n_classes = n_items, n_classes
        self.crops = 0.1 * torch.randn(8, crop_samples, generator=torch.Generator().manual_seed(0))
    def __len__(self): return self.n_items
    def __getitem__(self, i): return self.crops[i % len(self.crops)], i % self.n_classes
    def set_epoch(self, epoch): pass

def seconds_per_step(phase, frontend, gpus, batch, steps, warmup, device):
    "Median seconds of one optimiser step after `warmup` steps, the per-rank micro-batch, and the phase's paper config."
    cfg = load_config('paper', dict(frontend_cfg=str(frontend), device=device), phase=phase)
    rank_batch = batch or cfg.batch_size // gpus
    n_classes = VOX2_DEV_SPEAKERS * len(distinct_factors(cfg.speed_factors))  # phase 1's speed classes stay in every phase
    data = RandomCrops(rank_batch * cfg.grad_acc * (warmup + steps), int(cfg.crop_seconds * cfg.sample_rate), n_classes)
    timed = cfg.update(dict(batch_size=rank_batch, epochs=1, steps_per_epoch=warmup + steps, ncpu=0))
    with tempfile.TemporaryDirectory() as d:
        trainer = PhaseTrainer(timed, Path(d), phase, dataset=data, validate=lambda m: 0.5)
        trainer.run(stop_after_steps=warmup + steps, save_every_steps=0)
        t = pd.read_csv(Path(d)/'metrics.csv')['seconds'].to_numpy()
    return float(np.median(np.diff(t)[warmup - 1:])), rank_batch, cfg

def phase_row(phase, frontend, gpus, batch, steps, warmup, device) -> dict:
    "One table row: the phase's measured step time, crops per second, and the hours it projects on `gpus` GPUs."
    step, rank_batch, cfg = seconds_per_step(phase, frontend, gpus, batch, steps, warmup, device)
    per_crop = step / (rank_batch * cfg.grad_acc)
    hours = cfg.epochs * VOX2_DEV_UTTERANCES * per_crop / gpus / 3600
    return dict(phase=phase, per_rank_batch=f'{rank_batch} x {cfg.grad_acc} x {cfg.crop_seconds:g} s',
                frontend='trained' if cfg.train_frontend else 'frozen', precision=cfg.precision, seconds_per_step=round(step, 3),
                crops_per_second=round(1 / per_crop, 1), epochs=cfg.epochs, projected_hours=round(hours, 1))

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--size', default='large', choices=['tiny', 'base_plus', 'large'], help='WavLM size (random weights)')
    p.add_argument('--gpus', type=int, default=4, help='GPUs the projection divides the work over')
    p.add_argument('--batch', type=int, default=0, help='per-rank micro-batch (default: the paper batch / --gpus)')
    p.add_argument('--steps', type=int, default=10, help='timed optimiser steps per phase')
    p.add_argument('--warmup', type=int, default=3, help='untimed steps first (kernels, allocator)')
    p.add_argument('--device', default='auto')
    p.add_argument('--phases', nargs='+', default=list(TRAIN_PHASES), choices=list(TRAIN_PHASES))
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as d:
        frontend = build_random_wavlm(Path(d)/f'wavlm-{a.size}', a.size)
        rows = [phase_row(phase, frontend, a.gpus, a.batch, a.steps, a.warmup, a.device) for phase in a.phases]
    device = torch.cuda.get_device_name() if torch.cuda.is_available() and a.device != 'cpu' else 'CPU'
    print(f'WavLM-{a.size} (random), {device}, projection for {a.gpus} GPUs and {VOX2_DEV_UTTERANCES:,} utterances per epoch:')
    print(pd.DataFrame(rows).to_markdown(index=False))
    print(f'total: {sum(r["projected_hours"] for r in rows):.1f} h of training, before validation and data loading stalls')

if __name__ == '__main__': main()
