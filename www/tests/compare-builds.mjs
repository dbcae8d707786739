// Side by side: serves two or more builds of www (`vite preview --outDir`) and loads the rez
// benchmark repository in each, alternating them, through the folder input and/or a drop:
//   node www/tests/compare-builds.mjs before=/tmp/dist-before,after=www/dist [ROUNDS] [input,drop]
// One fresh page per load; prints first rows, table, parse, wall, long tasks, the fingerprint, the
// worker's steps after the last file and the longest piece of each kind of work on the page's thread
// (`slowest`, builds that record it).
import { join } from 'node:path';
import { ROOT, dropPaths, launch, openPage, startPreview } from './harness.mjs';
const REZ = join(ROOT, '.cache', 'corpora', 'rez-benchmark', 'packages');
const builds = Object.fromEntries(process.argv[2].split(',').map((kv) => kv.split('=')));
const rounds = Number(process.argv[3] ?? 2);
const routes = (process.argv[4] ?? 'input,drop').split(',');
async function measure(browser, url, how) {
  const { page, errors } = await openPage(browser.context, url);
  const t0page = await page.evaluate(() => { window.__longTasks = []; return performance.now(); });
  const t0 = Date.now();
  if (how === 'drop') await dropPaths(page, '#drop', [REZ]);
  else await page.setInputFiles('#folder-input', REZ, { timeout: 300_000 });
  await page.waitForFunction(() => window.pkglens.loads >= 1 && document.body.dataset.state === 'loaded', null, { timeout: 300_000 });
  const wall = Date.now() - t0;
  const r = await page.evaluate(() => {
    const { packages, problems } = window.pkglens.loaded;
    let h = 2166136261;
    const add = (s) => { for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0; };
    for (const p of packages) add(`${p.path}\n${p.name}\n${p.version}\n`);
    for (const p of problems) add(`${p.kind}\n${p.path}\n${p.message}\n${p.pkg}\n`);
    const round = (o) => Object.fromEntries(Object.entries(o ?? {}).map(([k, v]) => [k, Math.round(v)]));
    return {
      fp: h.toString(16), parseMs: Math.round(window.pkglens.loaded.parseMs), rows: Math.round(window.pkglens.timeToRowsMs), table: Math.round(window.pkglens.timeToTableMs),
      steps: round(window.pkglens.loaded.steps), slowest: round(window.pkglens.slowest), timings: window.pkglens.timings,
    };
  });
  const tasks = await page.evaluate(() => window.__longTasks);
  await page.close();
  return { ...r, wall, longest: Math.max(0, ...tasks.map((t) => t.ms)), longTasks: tasks.filter((t) => t.ms >= 150).map((t) => `${t.start - Math.round(t0page)}:${t.ms}`).join(' '), errors: errors.length };
}
// Free ports, checked: a fixed port another process holds would measure that process's page.
const servers = {};
for (const [name, dir] of Object.entries(builds)) servers[name] = await startPreview({ outDir: dir });
const browser = await launch();
try {
  for (let round = 0; round < rounds; round++) {
    for (const how of routes) {
      const names = Object.keys(builds);
      if (round % 2) names.reverse();
      for (const name of names) {
        const r = await measure(browser, servers[name].url, how);
        console.log(JSON.stringify({ round, how, build: name, ...r, timings: undefined }), JSON.stringify(Object.fromEntries(Object.entries(r.timings).map(([k, v]) => [k, Math.round(v)]))));
      }
    }
  }
} finally {
  await browser.close();
  for (const s of Object.values(servers)) await s.close();
}
