"""A numpy replica of the residual IEM's asymmetric branch on cached bge-small vectors, used to search
designs quickly (docs/results.md labels its figures "replica"; the figures that count come from the
CLI). Reads the vector cache that `distill`/`eval --vector-cache` wrote (REPLICA_VECTORS: one
.vectors file; default the largest in $D2LLM_VECTOR_CACHE), en/medquad and en/msmarco-5k from
$D2LLM_DATA (default ../shared/data)."""
import glob, hashlib, json, sys, os, time
import numpy as np

CACHE = os.environ.get('REPLICA_VECTORS') or max(
    glob.glob(os.path.join(os.environ.get('D2LLM_VECTOR_CACHE', os.path.expanduser('~/.cache/d2llm/experiments/vectors')), '*.vectors')),
    key=os.path.getsize)
QP = 'Represent this sentence for searching relevant passages: '
D = 384
S = os.environ.get('D2LLM_DATA', os.path.join(os.path.dirname(__file__), '../../../shared/data'))


def load_cache():
    b = open(CACHE, 'rb').read()
    rec = 32 + 4 * D
    n = len(b) // rec
    a = np.frombuffer(b[:n * rec], dtype=np.uint8).reshape(n, rec)
    keys = [bytes(a[i, :32]) for i in range(n)]
    vecs = a[:, 32:].copy().view('<f4').reshape(n, D)
    return {k: i for i, k in enumerate(keys)}, vecs


IDX, VEC = load_cache()


def vec(text):
    i = IDX.get(hashlib.sha256(text.encode('utf-8')).digest())
    return None if i is None else VEC[i]


def unit(x):
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


def beir(name, split):
    corpus = []
    for line in open(f'{S}/{name}/corpus.jsonl', encoding='utf-8'):
        d = json.loads(line)
        t = d['text'] if not d.get('title') else d['title'] + ' ' + d['text']
        corpus.append((d['_id'], t))
    queries = {}
    for line in open(f'{S}/{name}/queries.jsonl', encoding='utf-8'):
        d = json.loads(line)
        queries[d['_id']] = d['text']
    qrels = {}
    for i, line in enumerate(open(f'{S}/{name}/qrels/{split}.tsv', encoding='utf-8')):
        if i == 0:
            continue
        q, c, s = line.rstrip('\n').split('\t')
        qrels.setdefault(q, {})[c] = int(s)
    ids = [c for c, _ in corpus]
    P = np.stack([vec(t) for _, t in corpus])
    qids = [q for q in queries if q in qrels]
    Q = np.stack([vec(QP + queries[q]) for q in qids])  # the vectors must be in the cache (run eval first)
    return ids, unit(P), qids, unit(Q), qrels


def ndcg10(ranked, rel):
    dcg = sum(rel.get(c, 0) / np.log2(i + 2) for i, c in enumerate(ranked[:10]))
    ideal = sorted(rel.values(), reverse=True)[:10]
    idcg = sum(r / np.log2(i + 2) for i, r in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


class Iem:
    """z = 20 e^s cos + 20 c + w2 . relu(Wa relu(W1 f(q, p) + b1) + ba) + b2."""

    def __init__(self, feats, hidden=512, seed=0, s=0.0, c=-0.78):
        r = np.random.default_rng(seed)
        self.feats = feats
        fin = {'concat': 2 * D, 'prod': D, 'concat+prod': 3 * D}[feats]
        lim1 = np.sqrt(6 / (fin + hidden)); lim2 = np.sqrt(6 / (2 * hidden))
        self.p = {
            'W1': r.uniform(-lim1, lim1, (fin, hidden)).astype(np.float32), 'b1': np.zeros(hidden, np.float32),
            'Wa': r.uniform(-lim2, lim2, (hidden, hidden)).astype(np.float32), 'ba': np.zeros(hidden, np.float32),
            'w2': np.zeros(hidden, np.float32), 'b2': np.zeros(1, np.float32),
            's': np.array([s], np.float32), 'c': np.array([c], np.float32)}
        self.m = {k: np.zeros_like(v) for k, v in self.p.items()}
        self.v = {k: np.zeros_like(v) for k, v in self.p.items()}
        self.t = 0

    def features(self, q, p):
        # q [n, D] p [n, D] unit rows
        if self.feats == 'concat':
            return np.concatenate([q, p], -1)
        if self.feats == 'prod':
            return q * p * np.sqrt(D)
        return np.concatenate([q, p, q * p * np.sqrt(D)], -1)

    def forward(self, q, p):
        f = self.features(q, p)
        a1 = f @ self.p['W1'] + self.p['b1']; h = np.maximum(a1, 0)
        a2 = h @ self.p['Wa'] + self.p['ba']; g = np.maximum(a2, 0)
        mlp = g @ self.p['w2'] + self.p['b2'][0]
        cos = (q * p).sum(-1)
        z = 20 * np.exp(self.p['s'][0]) * cos + 20 * self.p['c'][0] + mlp
        return z, (f, a1, h, a2, g, cos, mlp)

    def backward(self, dz, cache, dmlp_extra=None):
        f, a1, h, a2, g, cos, mlp = cache
        gr = {}
        gr['s'] = np.array([(dz * 20 * np.exp(self.p['s'][0]) * cos).sum()], np.float32)
        gr['c'] = np.array([(dz * 20).sum()], np.float32)
        dm = dz if dmlp_extra is None else dz + dmlp_extra
        gr['w2'] = g.T @ dm; gr['b2'] = np.array([dm.sum()], np.float32)
        dg = np.outer(dm, self.p['w2']) * (a2 > 0)
        gr['Wa'] = h.T @ dg; gr['ba'] = dg.sum(0)
        dh = dg @ self.p['Wa'].T * (a1 > 0)
        gr['W1'] = f.T @ dh; gr['b1'] = dh.sum(0)
        return gr

    def step(self, gr, lr, wd=0.01, clip=1.0, decay_to=None):
        norm = np.sqrt(sum(float((g ** 2).sum()) for g in gr.values()))
        sc = min(1.0, clip / (norm + 1e-6))
        self.t += 1
        for k, g in gr.items():
            g = g * sc
            self.m[k] = 0.9 * self.m[k] + 0.1 * g
            self.v[k] = 0.999 * self.v[k] + 0.001 * g * g
            mh = self.m[k] / (1 - 0.9 ** self.t); vh = self.v[k] / (1 - 0.999 ** self.t)
            if k in ('W1', 'Wa', 'w2'):
                self.p[k] *= (1 - lr * wd)
            self.p[k] -= lr * mh / (np.sqrt(vh) + 1e-8)

    gate = None  # (mu, lo, hi): the MLP's share scales with clamp((q.mu - lo) / (hi - lo), 0, 1)

    def rerank(self, q, P, cand):
        z, cache = self.forward(np.repeat(q[None], len(cand), 0), P[cand])
        if self.gate is not None:
            mu, lo, hi = self.gate
            g = min(1.0, max(0.0, (float(q @ mu) - lo) / (hi - lo)))
            if getattr(self, 'pgate', None) is not None:
                mup, plo, phi = self.pgate
                g = g * np.clip((P[cand] @ mup - plo) / (phi - plo), 0, 1)
            z = z - (1 - g) * cache[-1]
        return z


def evaluate(iem, ds, k=100):
    ids, P, qids, Q, qrels = ds
    cos = Q @ P.T
    tot = 0.0; base = 0.0
    for i, qid in enumerate(qids):
        cand = np.argpartition(-cos[i], k)[:k]
        cand = cand[np.argsort(-cos[i][cand])]
        base += ndcg10([ids[j] for j in cand], qrels[qid])
        z = iem.rerank(Q[i], P, cand)
        order = cand[np.argsort(-z, kind='stable')]
        tot += ndcg10([ids[j] for j in order], qrels[qid])
    return 100 * tot / len(qids), 100 * base / len(qids)


def load_examples(path, negatives=8, limit=None):
    qs, ps, ns = [], [], []
    for i, line in enumerate(open(path, encoding='utf-8')):
        d = json.loads(line)
        qv = vec(QP + d['query']); pv = vec(d['positive'])
        nv = [vec(n) for n in d['negatives'][:negatives]]
        if qv is None or pv is None or any(v is None for v in nv) or len(nv) < negatives:
            continue
        qs.append(qv); ps.append(pv); ns.append(np.stack(nv))
    return unit(np.stack(qs)), unit(np.stack(ps)), unit(np.stack(ns))


def train(iem, ex, epochs=3, batch=32, lr=1e-3, warmup=100, l2_mlp=0.0, seed=0, evals=(), every=100, log=print):
    Qx, Px, Nx = ex
    n = len(Qx); r = np.random.default_rng(seed)
    steps_per = n // batch; total = steps_per * epochs; step = 0
    hist = []
    for ep in range(epochs):
        perm = r.permutation(n)
        for b in range(steps_per):
            idx = perm[b * batch:(b + 1) * batch]
            q = Qx[idx]; pos = Px[idx]; neg = Nx[idx]  # [B,D] [B,D] [B,K,D]
            B, K = len(idx), neg.shape[1]
            cands = np.concatenate([np.repeat(pos[None], B, 0), neg], 1)  # [B, B+K, D]
            C = cands.shape[1]
            qq = np.repeat(q[:, None], C, 1).reshape(-1, D); pp = cands.reshape(-1, D)
            z, cache = iem.forward(qq, pp)
            Z = z.reshape(B, C)
            Z = Z - Z.max(1, keepdims=True)
            e = np.exp(Z); pr = e / e.sum(1, keepdims=True)
            dZ = pr.copy(); dZ[np.arange(B), np.arange(B)] -= 1; dZ /= B
            extra = None
            if l2_mlp > 0:
                extra = 2 * l2_mlp * cache[-1] / len(cache[-1])
            gr = iem.backward(dZ.reshape(-1), cache, extra)
            step += 1
            cur = lr * step / warmup if step <= warmup else lr * (total - step) / max(1, total - warmup)
            iem.step(gr, cur)
            if step % every == 0 or step == total:
                row = [step] + [round(evaluate(iem, ds)[0], 2) for ds in evals]
                hist.append(row); log(row)
    return hist


if __name__ == '__main__':
    t0 = time.time()
    dev = beir('en/medquad', 'dev')
    ms = beir('en/msmarco-5k', 'test')
    print('loaded', time.time() - t0, flush=True)
    base = Iem('concat')
    print('start', evaluate(base, dev), evaluate(base, ms), flush=True)
