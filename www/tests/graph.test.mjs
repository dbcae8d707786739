// The graph view as a person reads it, measured on the drawn SVG: no two labels overlap, every
// label stays in its node, and no edge passes through a node other than its own two, for the
// sample set and for a 100-package rez repository; the node cap and "Show more", collapsing,
// search highlighting, the legend, the keyboard list of edges, and a neighbourhood that holds
// only the version asked for.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dropPaths, launch, openPage, shot, startPreview, waitLoaded } from './harness.mjs';

/**
 * Geometry of the drawn graph, read from the SVG: label boxes that overlap, labels outside
 * their node, and edges that pass through a node they do not join (sampled every 2 px along
 * each path, against the node's box shrunk by 1 px).
 */
function measure() {
  const svg = document.querySelector('#graph-canvas svg');
  const nodes = [...svg.querySelectorAll('g.node')].map((g) => ({
    id: g.dataset.id,
    rect: g.querySelector('rect').getBBox(),
    text: g.querySelector('text').getBBox(),
    label: g.querySelector('text').textContent,
  }));
  const meet = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  const overlaps = [];
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      if (meet(nodes[i].text, nodes[j].text)) overlaps.push(`${nodes[i].label} / ${nodes[j].label}`);
    }
  }
  const outside = nodes.filter(({ rect: r, text: t }) => t.x < r.x || t.y < r.y || t.x + t.width > r.x + r.width || t.y + t.height > r.y + r.height)
    .map((n) => n.label);
  const through = [];
  const edges = [...svg.querySelectorAll('path.edge')];
  for (const path of edges) {
    const length = path.getTotalLength();
    const { from, to } = path.dataset;
    for (const n of nodes) {
      if (n.id === from || n.id === to) continue;
      const r = n.rect;
      for (let at = 0; at <= length; at += 2) {
        const p = path.getPointAtLength(at);
        if (p.x > r.x + 1 && p.x < r.x + r.width - 1 && p.y > r.y + 1 && p.y < r.y + r.height - 1) {
          through.push(`${from} -> ${to} through ${n.label}`);
          break;
        }
      }
    }
  }
  return { nodes: nodes.length, edges: edges.length, overlaps, outside, through };
}

/** A rez repository of `n` packages, each needing up to three of those after it (a layered DAG
 * with long edges, as a studio's repository has), one needing a version that is not there and
 * one a package that is not there. */
function rezRepository(n) {
  const root = mkdtempSync(join(tmpdir(), 'pkglens-graph-'));
  const repo = join(root, 'repo');
  for (let i = 0; i < n; i++) {
    const needs = [];
    for (const step of [1, 7, 23]) if (i + step < n && (i * step) % 3 !== 2) needs.push(`pkg${String(i + step).padStart(3, '0')}`);
    if (i === 5) needs.push('pkg050-99+');
    if (i === 9) needs.push('notthere');
    const name = `pkg${String(i).padStart(3, '0')}`;
    mkdirSync(join(repo, name, '1.0'), { recursive: true });
    writeFileSync(join(repo, name, '1.0', 'package.py'),
      `name = "${name}"\nversion = "1.0"\nrequires = [${needs.map((r) => JSON.stringify(r)).join(', ')}]\n`);
  }
  return { root, repo };
}

describe('graph: readable drawings, measured', () => {
  let server, browser, page, errors, repository;
  let loads = 0;

  before(async () => {
    server = await startPreview({ isolated: true });
    browser = await launch();
    ({ page, errors } = await openPage(browser.context, server.url));
    repository = rezRepository(100);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (repository) rmSync(repository.root, { recursive: true, force: true });
  });

  const drawn = (title) => page.waitForFunction((t) => document.body.dataset.graph === 'drawn'
    && document.querySelector('#graph-title').textContent.startsWith(t), title);

  test('sample set: whole-set graph, no label overlaps, no edge through a node', async () => {
    await page.getByRole('button', { name: 'Sample set', exact: true }).click();
    await waitLoaded(page, ++loads);
    await page.evaluate(() => {
      document.body.dataset.graph = '';
      location.hash = '#/graph';
    });
    await drawn('Whole set');
    const m = await page.evaluate(measure);
    assert.ok(m.nodes >= 20, `the sample's graph has its nodes (${m.nodes})`);
    assert.ok(m.edges >= 10, `and its edges (${m.edges})`);
    assert.deepEqual(m.overlaps, []);
    assert.deepEqual(m.outside, []);
    assert.deepEqual(m.through, []);
    // The legend names every edge status, and the keyboard list holds every drawn edge.
    const legend = await page.locator('.graph-legend').textContent();
    for (const status of ['satisfied', 'unsatisfied', 'missing']) assert.ok(legend.includes(status), status);
    assert.equal(await page.locator('#graph-edges tr').count(), m.edges);
    await shot(page, 'graph-sample');
    // Collapsing requests hides what only it needs (the missing charset-normalizer), not what
    // the requirements file needs too (urllib3); Expand brings it back. Both by keyboard.
    const labels = () => page.locator('#graph-canvas g.node text').allTextContents();
    assert.ok((await labels()).includes('charset-normalizer'));
    await page.getByRole('button', { name: 'Collapse requests 2.32.3' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#graph-canvas g.node.collapsed'));
    assert.ok(!(await labels()).includes('charset-normalizer'));
    assert.ok((await labels()).includes('urllib32.2.3'));
    assert.match(await page.locator('#graph-shown').textContent(), /1 hidden below collapsed packages/);
    assert.deepEqual((await page.evaluate(measure)).through, []);
    await page.getByRole('button', { name: 'Expand requests 2.32.3' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !document.querySelector('#graph-canvas g.node.collapsed'));
    assert.ok((await labels()).includes('charset-normalizer'));
    assert.deepEqual(errors, []);
  });

  test('the neighbourhood of one version holds no other version of its name', async () => {
    // The sample has usd 23.11 and usd 24.05: the neighbourhood of 24.05 must not draw 23.11.
    const ids = await page.evaluate(() => window.pkglens.loaded.packages
      .filter((p) => p.name === 'usd').map((p) => [p.id, p.version]));
    assert.ok(ids.length >= 2, 'the sample has two versions of usd');
    const [id, version] = ids.find(([, v]) => v === '24.05');
    await page.evaluate((n) => {
      document.body.dataset.graph = '';
      location.hash = `#/graph/${n}?depth=2`;
    }, id);
    await drawn(`Neighbourhood of usd ${version}`);
    const labels = await page.locator('#graph-canvas g.node text').allTextContents();
    assert.ok(labels.includes('usd24.05'), labels.join(', '));
    assert.ok(!labels.some((l) => l.startsWith('usd') && l !== 'usd24.05'), `other usd versions drawn: ${labels.join(', ')}`);
    assert.deepEqual(errors, []);
  });

  test('100 packages: capped with "Show more", then all drawn readably; search highlights', async () => {
    await page.evaluate(() => (location.hash = '#/packages'));
    await dropPaths(page, '#drop', [repository.repo]);
    await waitLoaded(page, ++loads);
    await page.evaluate(() => {
      document.body.dataset.graph = '';
      location.hash = '#/graph';
    });
    await drawn('Whole set');
    const total = await page.evaluate(() => window.pkglens.loaded.packages.length);
    assert.equal(total, 100);
    const first = await page.evaluate(measure);
    assert.ok(first.nodes < 100, `capped at first (${first.nodes} drawn)`);
    assert.match(await page.locator('#graph-shown').textContent(), /Showing the \d+ packages nearest/);
    // "Show more" by keyboard, until everything is drawn.
    while (await page.locator('#graph-more').isVisible()) {
      await page.locator('#graph-more').focus();
      await page.keyboard.press('Enter');
      await page.waitForTimeout(50);
    }
    const m = await page.evaluate(measure);
    assert.ok(m.nodes >= 100, `all packages drawn (${m.nodes}, a missing one too)`);
    assert.deepEqual(m.overlaps, []);
    assert.deepEqual(m.outside, []);
    assert.deepEqual(m.through, []);
    // The missing and the unsatisfied edge are drawn in their colours, and listed.
    assert.equal(await page.locator('#graph-canvas path.edge.missing').count(), 1);
    assert.equal(await page.locator('#graph-canvas path.edge.unsatisfied').count(), 1);
    assert.equal(await page.locator('#graph-edges tr.missing').count(), 1);
    // Search: the nodes whose name holds the text are marked, the others dimmed.
    await page.fill('#graph-search', 'pkg04');
    assert.equal(await page.locator('#graph-canvas g.node.match').count(), 10);
    assert.match(await page.locator('#graph-matches').textContent(), /^10 drawn packages match/);
    await shot(page, 'graph-100');
    await page.fill('#graph-search', '');
    assert.equal(await page.locator('#graph-canvas g.node.match').count(), 0);
    // The list of edges is reached and followed by keyboard.
    const link = page.locator('#graph-edges a').first();
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('#package-title');
    assert.deepEqual(errors, []);
  });
});
