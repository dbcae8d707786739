// Building a package set at the end of a load, under Node (single build), on a corpus folder
// (default: the rez benchmark repository), read in windows of 512 files as the page reads them:
//   node web/tests/set-bench.mjs [old|add|into] [DIR]
// old: parseFiles per window, then new PackageSet(all records) (they cross back into wasm);
// add: builder.add(records) per window during the load, then build(); into: parseFiles given
// the builder, the records never leaving wasm, then build(). Then check(), and a rebuild with
// other options (withOptions). Prints milliseconds of each step and the wasm memory in MB.
// Needs scripts/build-web (web/pkg).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import * as pkglens from '../pkg/node.js';
import * as raw from '../pkg/single/pkglens_web.js';
import { corpus } from './corpus.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const mode = process.argv[2] ?? 'into';
const dir = process.argv[3] ?? '.cache/corpora/rez-benchmark/packages';
const memory = raw.initSync({ module: readFileSync(join(ROOT, 'web/pkg/single/pkglens_web_bg.wasm')) }).memory;
const mb = () => Math.round(memory.buffer.byteLength / 1048576);
const files = corpus(pkglens, dir, ROOT);
const now = () => performance.now();
const builder = mode === 'old' ? null : pkglens.PackageSet.builder({});
const records = [];
let parseMs = 0;
let addMs = 0;
for (let i = 0; i < files.length; i += 512) {
  const window = files.slice(i, i + 512);
  const t0 = now();
  const batch = pkglens.parseFiles(window, mode === 'into' ? { builder } : {});
  parseMs += now() - t0;
  if (mode === 'add') {
    const t1 = now();
    builder.add(batch);
    addMs += now() - t1;
  }
  records.push(...batch);
}
const loadedMb = mb();
const t2 = now();
const set = mode === 'old' ? new pkglens.PackageSet(records, {}) : builder.build();
const t3 = now();
const problems = set.check().problems.length;
const t4 = now();
const again = set.withOptions({ python: '3.8' });
const t5 = now();
again.check();
const t6 = now();
const ms = (x) => Math.round(x);
console.log(JSON.stringify({
  mode, files: files.length, parseMs: ms(parseMs), addMs: ms(addMs), buildMs: ms(t3 - t2), checkMs: ms(t4 - t3),
  rebuildMs: ms(t5 - t4), recheckMs: ms(t6 - t5), problems, memoryMb: { loaded: loadedMb, end: mb() },
}));
