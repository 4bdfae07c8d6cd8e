import { build } from 'esbuild';
const r = await build({ entryPoints: ['functions/handlers/api.ts'], bundle: true, platform: 'node', format: 'cjs', metafile: true, write: false, logLevel: 'silent', mainFields: ['module','main'] });
const target = process.argv[2];
const inputs = r.metafile.inputs;
// find chain from entry to target
const parents = {};
for (const [p, i] of Object.entries(inputs)) for (const imp of i.imports) (parents[imp.path] ??= []).push(p);
let cur = target; const chain = [cur];
const seen = new Set();
while (parents[cur] && !seen.has(cur)) { seen.add(cur); cur = parents[cur][0]; chain.push(cur); }
console.log(chain.join('\n <- '));
