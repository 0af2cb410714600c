import { allCases, compareAll, canonical } from './differential.js';
const cases = allCases();
const res = await compareAll('/usr/local/bin/docker', cases);
const agree = res.filter((r) => r.agree).length;
console.log(`cases ${res.length} agree ${agree} (${((100 * agree) / res.length).toFixed(1)}%)`);
const cats: Record<string, number> = {};
for (const r of res)
  if (!r.agree) {
    const k = r.modelDiffers ? 'model' : r.docker.ok ? 'swarmlint refuses, docker accepts' : 'docker refuses, swarmlint accepts';
    cats[k] = (cats[k] ?? 0) + 1;
  }
console.log(cats);
if (process.env.V)
  for (const r of res)
    if (!r.agree) {
      console.log('---', r.case.name);
      console.log('  docker:', r.docker.ok ? (r.modelDiffers ? canonical(r.docker.model) : 'ok') : r.docker.why.slice(0, 300));
      console.log('  swarml:', r.swarmlint.ok ? (r.modelDiffers ? canonical(r.swarmlint.model) : 'ok') : r.swarmlint.why.slice(0, 300));
    }
