import { build } from 'esbuild';
const name = process.argv[2];
const r = await build({ entryPoints: { [name]: `functions/handlers/${name}.ts` }, bundle: true, minify: true, sourcemap: true, target: 'node20', platform: 'node', format: 'cjs', outExtension: { '.js': '.cjs' }, mainFields: ['module','main'], metafile: true, logLevel: 'silent', outdir: '/tmp/i14-out', write: true });
const out = Object.values(r.metafile.outputs).find(o => o.entryPoint);
const rows = Object.entries(out.inputs).map(([p,i]) => [p, i.bytesInOutput]).filter(([p]) => !p.includes('@aws-sdk') && !p.includes('@smithy')).sort((a,b)=>b[1]-a[1]);
const filter = process.argv[3];
for (const [p,b] of rows.filter(([p]) => !filter || p.includes(filter)).slice(0, 30)) console.log(b, p);
console.log('total', out.bytes);
