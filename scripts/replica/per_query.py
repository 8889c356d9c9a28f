"""Per-query nDCG@10 of a trained gated student (its iem.safetensors and domain_gate.json) against the cosine. Usage: per_query.py [STUDENT_DIR]"""
import os
import sys, json, struct; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np, iem_replica as P
def load(p):
    b=open(p,'rb').read(); n=struct.unpack('<Q',b[:8])[0]; h=json.loads(b[8:8+n]); d={}
    for k,v in h.items():
        if k=='__metadata__': continue
        s,e=v['data_offsets']; d[k]=np.frombuffer(b[8+n+s:8+n+e],dtype=np.float32).reshape(v['shape'])
    return d
run=sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.join(os.environ.get('D2LLM_WORK', os.path.expanduser('~/.cache/d2llm/experiments')), 'en-medquad/examples.jsonl')), 'iem-gated/best')
w=load(run+'/iem.safetensors'); g=json.load(open(run+'/domain_gate.json'))['asymmetric']['query']
mu=np.array(g['centre'],np.float32); lo,hi=g['low'],g['high']
a=20*np.exp(w['cos_log_scale'][1]); c=20*w['cos_shift'][1]
def z(q,Pm):
    x=np.concatenate([np.repeat(q[None],len(Pm),0),Pm],1)
    h=np.maximum(x@w['fc1.weight'].T+w['fc1.bias'],0); gg=np.maximum(h@w['fc_asym.weight'].T+w['fc_asym.bias'],0)
    mlp=gg@w['fc2_asym.weight'][0]+w['fc2_asym.bias'][0]
    cos=Pm@q
    return a*cos+c, mlp
for name,split in [('en/msmarco-5k','test'),('en/medquad','dev')]:
    ids,Pm,qids,Q,qrels=P.beir(name,split)
    cos=Q@Pm.T; tot=[0,0]; rows=[]
    for i,qid in enumerate(qids):
        cand=np.argsort(-cos[i])[:100]
        base=P.ndcg10([ids[j] for j in cand],qrels[qid])
        cl,m=z(Q[i],Pm[cand]); gw=min(1,max(0,(float(Q[i]@mu)-lo)/(hi-lo)))
        order=cand[np.argsort(-(cl+gw*m),kind='stable')]
        new=P.ndcg10([ids[j] for j in order],qrels[qid])
        tot[0]+=base; tot[1]+=new; rows.append((new-base,gw,qid))
    print(name, 'cosine', round(100*tot[0]/len(qids),2), 'gated', round(100*tot[1]/len(qids),2), 'queries with gate>0:', sum(r[1]>0 for r in rows), 'of', len(rows))
    if name.startswith('en/msmarco'):
        qtext={json.loads(l)['_id']:json.loads(l)['text'] for l in open(os.path.join(P.S, 'en/msmarco-5k/queries.jsonl'))}
        for d,gw,qid in sorted(rows):
            if gw>0 or abs(d)>1e-6: print(f'  delta={d:+.3f} gate={gw:.2f} {qtext[qid]}')

print('--- passage gate added post hoc (fitted on training positives)')
ex = P.load_examples(os.path.join(os.environ.get('D2LLM_WORK', os.path.expanduser('~/.cache/d2llm/experiments')), 'en-medquad/examples.jsonl'))
mup = P.unit(ex[1].mean(0)); sp = ex[1] @ mup
for plo, phi in [(1,5),(5,20)]:
    lo_p, hi_p = np.percentile(sp, plo), np.percentile(sp, phi)
    for name,split in [('en/msmarco-5k','test'),('en/medquad','dev')]:
        ids,Pm,qids,Q,qrels=P.beir(name,split)
        cos=Q@Pm.T; tot=[0,0]
        for i,qid in enumerate(qids):
            cand=np.argsort(-cos[i])[:100]
            base=P.ndcg10([ids[j] for j in cand],qrels[qid])
            cl,m=z(Q[i],Pm[cand]); gw=min(1,max(0,(float(Q[i]@mu)-lo)/(hi-lo)))
            gp=np.clip((Pm[cand]@mup-lo_p)/(hi_p-lo_p),0,1)
            order=cand[np.argsort(-(cl+gw*gp*m),kind='stable')]
            tot[0]+=base; tot[1]+=P.ndcg10([ids[j] for j in order],qrels[qid])
        print(f'pgate {plo}-{phi}', name, 'cosine', round(100*tot[0]/len(qids),2), 'gated', round(100*tot[1]/len(qids),2))
