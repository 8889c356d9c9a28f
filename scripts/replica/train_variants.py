"""Trains IEM variants in the replica: NAME[:feats=concat|prod|concat+prod][:l2=X][:gate=LO-HI][:pgate=LO-HI] ..."""
import os
import sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np
import iem_replica as P

dev = P.beir('en/medquad', 'dev'); ms = P.beir('en/msmarco-5k', 'test')
ex = P.load_examples(os.path.join(os.environ.get('D2LLM_WORK', os.path.expanduser('~/.cache/d2llm/experiments')), 'en-medquad/examples.jsonl'))
print('examples', len(ex[0]), flush=True)
variants = sys.argv[1:]
for v in variants:
    name, *opts = v.split(':')
    kw = dict(o.split('=') for o in opts)
    iem = P.Iem(kw.pop('feats', 'concat'), hidden=int(kw.pop('hidden', 512)))
    if 'gate' in kw:
        lo_p, hi_p = map(float, kw.pop('gate').split('-'))
        mu = P.unit(ex[0].mean(0)); s = ex[0] @ mu
        iem.gate = (mu, float(np.percentile(s, lo_p)), float(np.percentile(s, hi_p)))
        print(name, 'gate', iem.gate[1:], flush=True)
    if 'pgate' in kw:
        lo_p, hi_p = map(float, kw.pop('pgate').split('-'))
        mu = P.unit(ex[1].mean(0)); s = ex[1] @ mu
        iem.pgate = (mu, float(np.percentile(s, lo_p)), float(np.percentile(s, hi_p)))
        print(name, 'pgate', iem.pgate[1:], flush=True)
    t = time.time()
    hist = P.train(iem, ex, epochs=int(kw.pop('epochs', 3)), lr=float(kw.pop('lr', 1e-3)), l2_mlp=float(kw.pop('l2', 0)),
                   evals=(dev, ms), every=int(kw.pop('every', 200)), log=lambda r: print(name, r, flush=True))
    best = max(hist, key=lambda r: r[1])
    print(f'RESULT {v}: best-on-dev step {best[0]} medquad {best[1]} msmarco {best[2]} ({time.time()-t:.0f}s)', flush=True)
