// Cross-target conformance: for every corpus, the Node package gives byte for byte the JSON
// of the native CLI (`scan --format json` and `check --format json`), from the same inputs.
// PKGLENS_CROSS: a JSON list of { dir, scan, check }: a folder relative to PKGLENS_BASE and
// the native outputs for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as pkglens from 'pkglens';
import { corpus, includes, passedOver } from './corpus.mjs';

const cases = process.env.PKGLENS_CROSS ? JSON.parse(readFileSync(process.env.PKGLENS_CROSS, 'utf8')) : [];
const base = process.env.PKGLENS_BASE ?? process.cwd();

/** The first differing line of two JSON texts, for a readable failure. */
function firstDifference(a, b) {
  const split = (s) => s.replaceAll('},{', '},\n{').split('\n');
  const [x, y] = [split(a), split(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `record ${i}:\n  node:   ${x[i]?.slice(0, 400)}\n  native: ${y[i]?.slice(0, 400)}`;
  }
  return 'identical';
}

test('cross-target corpora are given', (t) => {
  if (!process.env.PKGLENS_CROSS) t.skip('PKGLENS_CROSS is not set');
});

for (const { dir, scan, check, options } of cases) {
  test(`same JSON as the CLI: ${dir}`, () => {
    const files = corpus(pkglens, dir, base);
    const others = includes(pkglens, dir, base);
    assert.ok(files.length > 0, `${dir}: no files`);
    // The CLI's summary counts what its walk passed over; the package is told by passedOver().
    const skipped = passedOver(pkglens, dir, base).length;
    const json = pkglens.scanJson(files, { includes: others, passedOver: skipped });
    const native = readFileSync(scan, 'utf8');
    if (json !== native) {
      writeFileSync(`${scan}.node.json`, json);
      assert.fail(`${dir}: scan JSON differs from the CLI's: ${firstDifference(json, native)}`);
    }
    // The objects give the same text too (what a JS user would serialise).
    const records = pkglens.parseFiles(files, { includes: others });
    const summary = pkglens.summarize(records, { passedOver: skipped });
    assert.equal(JSON.stringify({ schema: pkglens.schema, records, summary }) + '\n', native);
    const set = new pkglens.PackageSet(records, options);
    const checked = set.checkJson();
    const nativeCheck = readFileSync(check, 'utf8');
    if (checked !== nativeCheck) {
      writeFileSync(`${check}.node.json`, checked);
      assert.fail(`${dir}: check JSON differs from the CLI's`);
    }
    set.free();
  });
}
