"""Scoring benchmark at VoxCeleb1-E scale: AS-norm + QMF against the bare cohort product and a per-trial loop, and the metrics.

Run: `.venv/bin/python bench/scoring.py [--quick]`. Random embeddings with speaker structure; prints one table.
"""
import argparse, time
import numpy as np, torch
from lap_nb.metrics import verification_metrics
from lap_nb.scoring import as_norm, l2_normalise, qmf_features, speaker_means, train_qmf

FULL = dict(utterances=145_000, trials=579_818, cohort=5_994, dim=192, top_k=600, eval_speakers=1_251, cohort_utts=5, qmf_pairs=30_000, loop_trials=2_000)
QUICK = dict(FULL, utterances=14_500, trials=57_982, loop_trials=200)

def timed(fn, *args, **kw):
    "`(result, seconds)` of one call."
    t = time.perf_counter(); out = fn(*args, **kw)
    return out, time.perf_counter() - t

def best_of(repeats, fn, *args, **kw):
    "`(result, fastest seconds)` over `repeats` calls: the least disturbed by other load on the machine."
    runs = [timed(fn, *args, **kw) for _ in range(repeats)]
    return runs[0][0], min(t for _, t in runs)

def make_data(rng, p):
    "Raw embeddings (speaker centre + noise, norm growing with duration), durations, trials, and a cohort corpus."
    def corpus(spk):
        n_spk, n_utt = spk.max() + 1, len(spk)
        dur = rng.uniform(4, 20, n_utt)
        centres = rng.normal(size=(n_spk, p['dim'])).astype(np.float32)
        emb = centres[spk] + rng.normal(0, 1.5, (n_utt, p['dim'])).astype(np.float32) / np.sqrt(dur / 8)[:, None].astype(np.float32)
        return (emb * (1 + 0.02 * dur)[:, None]).astype(np.float32), dur, spk
    emb, dur, spk = corpus(rng.integers(0, p['eval_speakers'], p['utterances']))
    n_tar = p['trials'] // 2  # VoxCeleb1-E is about half target trials
    order = np.argsort(spk, kind='stable'); start = np.searchsorted(spk[order], spk[order]); count = np.bincount(spk)[spk[order]]
    pos = rng.integers(0, len(spk), n_tar)
    partner = order[start[pos] + (pos - start[pos] + rng.integers(1, count[pos])) % count[pos]]
    enroll = np.r_[order[pos], rng.integers(0, len(spk), p['trials'] - n_tar)]
    test = np.r_[partner, rng.integers(0, len(spk), p['trials'] - n_tar)]
    labels = (spk[enroll] == spk[test]).astype(np.int64)
    cemb, cdur, cspk = corpus(np.repeat(np.arange(p['cohort']), p['cohort_utts']))
    return emb, dur, enroll, test, labels, cemb, cdur, cspk

def bare_product(x, cohort, chunk_size=4096):
    "The (N, M) cosine matrix alone, in the same chunks as AS-norm (results dropped)."
    cohort_t = torch.from_numpy(cohort).T
    for i in range(0, len(x), chunk_size): torch.from_numpy(x[i:i+chunk_size]) @ cohort_t

def loop_as_norm(emb, enroll, test, cohort, top_k):
    "The public code's style: every trial recomputes both sides' cohort scores, top-k, mean and std."
    x, c, out = torch.from_numpy(l2_normalise(emb)), torch.from_numpy(l2_normalise(cohort)), []
    for e, t in zip(enroll, test):
        top_e, top_t = (c @ x[e]).topk(top_k).values, (c @ x[t]).topk(top_k).values
        s = x[e] @ x[t]
        out.append(float(0.5 * ((s - top_e.mean()) / top_e.std() + (s - top_t.mean()) / top_t.std())))
    return np.array(out)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--quick', action='store_true', help='a tenth of the utterances and trials')
    ap.add_argument('--repeats', type=int, default=2, help='timings are the fastest of this many runs')
    args = ap.parse_args(); p, r = QUICK if args.quick else FULL, args.repeats
    rng = np.random.default_rng(0)
    emb, dur, enroll, test, labels, cemb, cdur, cspk = make_data(rng, p)
    print(f"utterances {len(emb):,}  trials {len(enroll):,}  cohort {p['cohort']:,} x {p['dim']}  top_k {p['top_k']}  "
          f"torch threads {torch.get_num_threads()}  timings: fastest of {r}")
    mean = cemb.mean(0); cohort = speaker_means(cemb - mean, cspk); x = l2_normalise(emb - mean)
    bare_product(x[:4096], l2_normalise(cohort))  # warm-up
    qmf, t_fit = timed(train_qmf, cemb, cdur, cspk, mean, p['qmf_pairs'], p['top_k'])
    t_mm = t_as = np.inf
    for _ in range(r):  # interleaved, so both see the same load
        t_mm = min(t_mm, timed(bare_product, x, l2_normalise(cohort))[1])
        s_as, t = timed(as_norm, emb - mean, enroll, test, cohort, p['top_k']); t_as = min(t_as, t)
    s_qmf, t_apply = best_of(r, lambda: qmf.predict(qmf_features(s_as, emb, dur, enroll, test)))
    n = p['loop_trials']
    s_loop, t_loop = timed(loop_as_norm, emb - mean, enroll[:n], test[:n], cohort, p['top_k'])
    assert np.allclose(s_loop, s_as[:n], atol=1e-3), "the loop and the vectorised AS-norm disagree"
    t_loop_all = t_loop * len(enroll) / n
    m_as, t_m = best_of(r, verification_metrics, s_as, labels)
    m_qmf, _ = timed(verification_metrics, s_qmf, labels)
    rows = [('cohort product emb @ cohort.T (chunked)', t_mm, ''),
            ('AS-norm (all trials)', t_as, f'{t_as / t_mm:.2f}x product'),
            ('AS-norm + QMF apply', t_as + t_apply, f'{(t_as + t_apply) / t_mm:.2f}x product'),
            (f'per-trial loop ({n:,} trials, extrapolated)', t_loop_all, f'{t_loop_all / (t_as + t_apply):,.0f}x slower than AS-norm + QMF'),
            (f'QMF fit ({p["qmf_pairs"]:,} cohort pairs)', t_fit, ''),
            ('EER + minDCF 0.01 + minDCF 0.05', t_m, f'{len(labels):,} trials')]
    for name, sec, note in rows: print(f'{name:<48} {sec:9.3f} s  {note}')
    for name, m in (('AS-norm', m_as), ('AS-norm + QMF', m_qmf)):
        print(f"{name:<16} EER {m['eer_percent']:.3f} %  minDCF0.01 {m['min_dcf_001']:.4f}  minDCF0.05 {m['min_dcf_005']:.4f}")

if __name__ == '__main__': main()
