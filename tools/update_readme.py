#!/usr/bin/env python
"""Copy a demo run's result table, layer-utilisation and per-frame layer-attention figures into docs/ and the README (`make readme`).
Usage: python tools/update_readme.py [RUN_DIR]   (default: the newest outputs/demo-*)"""
import json, shutil, sys
from pathlib import Path
from lap_nb.runs import Run

ROOT = Path(__file__).resolve().parent.parent
START, END = '<!-- DEMO-RESULTS -->', '<!-- /DEMO-RESULTS -->'

def main():
    runs = sorted((ROOT/'outputs').glob('demo-*'), key=lambda p: p.stat().st_mtime)
    run = Path(sys.argv[1]) if len(sys.argv) > 1 else (runs[-1] if runs else None)
    if run is None or not Run(run).report_table.exists(): sys.exit(f'no finished demo run found ({run}); run `make demo` first')
    docs = ROOT/'docs'; docs.mkdir(exist_ok=True)
    shutil.copy2(Run(run).report_table, docs/'demo_results.md')
    shutil.copy2(Run(run).figure('layer_utilisation'), docs/'demo_layer_utilisation.png')
    shutil.copy2(Run(run).figure('layer_attention_frames'), docs/'demo_layer_attention_frames.png')
    info = json.loads(Run(run).info.read_text())
    block = (f"{START}\n### The demo's result (embedded default data, run `{run.name}`, commit `{(info.get('git_commit') or '')[:8]}`)\n\n"
             "Layer utilisation: SUPERB's softmax weights next to LAP's attention after each phase.\n\n"
             "![layer utilisation](docs/demo_layer_utilisation.png)\n\n"
             "The paper's Figure 2 for one O-list utterance (`<run>/layer_attention_frames.png`, numbers in its `.json`): the "
             "waveform with the generator's phone boundaries, SUPERB's weights (the same in every frame), LAP's attention "
             "per frame, averaged over heads and per head, after the frozen phase:\n\n"
             "![layer attention over frames](docs/demo_layer_attention_frames.png)\n\n"
             "EER (%) with its 95 % bootstrap interval (trials resampled, so too narrow where trials share utterances: "
             "`nbs/30_metrics`) and minDCF (p_target 0.01) on the O, E and H analogues of the synthetic corpus, all pairs of "
             "their evaluation utterances:\n\n"
             f"{(docs/'demo_results.md').read_text()}\nRegenerate with `make demo && make readme`.\n{END}")
    readme = (ROOT/'README.md').read_text()
    if END in readme: head, rest = readme.split(START, 1); readme = head + block + rest.split(END, 1)[1]
    else: readme = readme.replace(START, block)
    (ROOT/'README.md').write_text(readme)
    print(f'README updated from {run}')

if __name__ == '__main__': main()
