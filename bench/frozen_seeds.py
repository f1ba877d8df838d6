"""The paper's Figure 1 in miniature, over several seeds: phase 1 on frozen features of the demo's pretrained tiny
frontend with the top layer alone, SUPERB and LAP, the same recipe (the demo presets), one run per (aggregation, seed).

`.venv/bin/python bench/frozen_seeds.py --seeds 42 1 2` (about 2 minutes per run on two quiet cores; runs that have
finished are reused, so an interrupted sweep continues where it stopped). Prints one row per run: EER % with its 95 %
bootstrap interval on O, E, H, their mean, the development-split EER that the checkpoint was chosen on, and the
aggregation's layer weights (SUPERB: softmax weights, LAP: mean attention, top layer: one-hot), then, per seed, whether
LAP beats SUPERB and the top layer on the mean of O, E and H. Writes the table to `<outputs>/frozen_seeds.csv`.
"""
import argparse, json
from pathlib import Path
import pandas as pd
from lap_nb.driver import run
from lap_nb.runs import Run
from lap_nb.report import read_results

AGGREGATIONS = ('last', 'superb', 'lap')
LISTS = dict(veri_test2='O', list_test_all2='E', list_test_hard2='H')

def frozen_run(outputs:Path, aggregation:str, seed:int) -> Path:
    "The finished frozen run of `aggregation` and `seed` under `outputs`, trained and evaluated if missing."
    folder = outputs/f'{aggregation}-seed{seed}'
    if not (Run(folder).phase('train_frozen').done.exists() and Run(folder).results.exists()):
        run(['train_frozen', 'naive_evaluation'], profile='demo', overrides=f'--layer_aggregation {aggregation} --seed {seed}',
            outputs=outputs, run_dir=folder, description=f'bench/frozen_seeds.py {aggregation} seed {seed}')
    return folder

def row(folder:Path, aggregation:str, seed:int) -> dict:
    "One run's EERs, development EER and layer weights."
    res = read_results([folder]).query("scoring == 'naive'")
    out = dict(aggregation=aggregation, seed=seed)
    for trials, name in LISTS.items():
        r = res[res.trials == trials].iloc[-1]
        out[name] = r.eer_percent; out[f'{name}_ci'] = f'[{r.eer_ci_low:.1f}, {r.eer_ci_high:.1f}]'
    out['mean_OEH'] = sum(out[n] for n in LISTS.values()) / 3
    phase = Run(folder).phase('train_frozen')
    out['dev_eer'] = 100 * pd.read_csv(phase.metrics).val_eer.dropna().min()
    w = json.loads(phase.layer_utilisation.read_text())['weights']
    out['layer_weights'] = ' '.join(f'{x:.3f}' for x in w)
    out['max_over_min'] = max(w) / min(w) if min(w) > 0 else float('inf')
    return out

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--seeds', type=int, nargs='+', default=[42, 1, 2])
    ap.add_argument('--outputs', default='outputs/frozen_seeds')
    a = ap.parse_args()
    outputs = Path(a.outputs).resolve(); outputs.mkdir(parents=True, exist_ok=True)
    rows = [row(frozen_run(outputs, agg, s), agg, s) for s in a.seeds for agg in AGGREGATIONS]
    table = pd.DataFrame(rows)
    table.to_csv(outputs/'frozen_seeds.csv', index=False)
    with pd.option_context('display.width', 200, 'display.max_columns', 20): print(table.round(2).to_string(index=False))
    for s, t in table.groupby('seed'):
        m = t.set_index('aggregation').mean_OEH
        print(f"seed {s}: LAP {m['lap']:.2f} vs SUPERB {m['superb']:.2f} vs top layer {m['last']:.2f} (mean of O, E, H);",
              'LAP best' if m['lap'] < min(m['superb'], m['last']) else 'LAP NOT best')

if __name__ == '__main__': main()
