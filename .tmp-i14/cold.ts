import { measureColdStart } from '../bench/cold-start.ts';
const runs = Number(process.argv[2] ?? 5);
const r = await measureColdStart(runs);
for (const c of r) console.log(c.function, c.bundleBytes, c.initMs, c.baselineInitMs, c.ratio, JSON.stringify(c.bytesOverBaseline));
