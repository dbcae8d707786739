// CPU profiles of every worker of a page (the module Workers and the rayon pool's workers they
// start), through the Chrome DevTools Protocol on the browser's debugging port. playwright-core's
// CDP sessions reach pages only, so this speaks CDP itself: auto-attach (flattened) to the page,
// then to its workers and to theirs, and run the V8 sampling profiler on each worker.
// Needs a WebSocket (Node 22, or Node 20 with --experimental-websocket).

/** A CDP connection to `wsUrl`: `send(method, params, sessionId)` and an `onEvent` hook. */
async function connect(wsUrl) {
  const ws = new WebSocket(wsUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let next = 1;
  const pending = new Map();
  const cdp = {
    onEvent: () => {},
    send(method, params = {}, sessionId) {
      const id = next++;
      ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
      return new Promise((resolve, reject) => pending.set(id, { resolve, reject, method }));
    },
    close: () => ws.close(),
  };
  ws.onmessage = ({ data }) => {
    const msg = JSON.parse(data);
    if (msg.id) {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
      else p.resolve(msg.result);
    } else {
      cdp.onEvent(msg);
    }
  };
  return cdp;
}

/** Self time (ms) by function of one profile: `{ total, top: [[name, ms]...] }`, heaviest first. */
function selfTimes(profile) {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const times = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    const { functionName, url } = byNode.get(id).callFrame;
    const key = `${functionName || '(anonymous)'}${url ? ` ${url.split('/').pop()}` : ''}`;
    times.set(key, (times.get(key) ?? 0) + dt);
  });
  const top = [...times].sort((a, b) => b[1] - a[1]).map(([name, ms]) => [name, +ms.toFixed(1)]);
  return { total: +total.toFixed(1), top };
}

/**
 * Runs `work()` with the sampling profiler (`intervalUs`) started on every worker of the page
 * whose URL contains `pageUrl`, and answers per worker `{ session, url, parent, total, top }`
 * (self times in ms; `parent`: the session of the worker that started it).
 */
export async function profileWorkers(wsUrl, pageUrl, work, { intervalUs = 200 } = {}) {
  const cdp = await connect(wsUrl);
  const workers = new Map(); // sessionId -> { url, parent: the parent's sessionId }
  const attached = [];
  cdp.onEvent = ({ method, params, sessionId }) => {
    if (method !== 'Target.attachedToTarget') return;
    const { sessionId: child, targetInfo } = params;
    attached.push((async () => {
      if (targetInfo.type === 'worker') workers.set(child, { url: targetInfo.url, parent: sessionId });
      // Workers' own workers (the pool) are attached the same way.
      await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: true }, child);
    })());
  };
  const { targetInfos } = await cdp.send('Target.getTargets');
  const page = targetInfos.find((t) => t.type === 'page' && t.url.includes(pageUrl));
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: page.targetId, flatten: true });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: true }, sessionId);
  // Attach events arrive while earlier ones are handled: wait until no new worker shows up.
  for (let seen = -1; seen !== attached.length;) {
    seen = attached.length;
    await Promise.all(attached);
    await new Promise((r) => setTimeout(r, 300));
  }
  const ids = [...workers.keys()];
  for (const id of ids) {
    await cdp.send('Profiler.enable', {}, id);
    await cdp.send('Profiler.setSamplingInterval', { interval: intervalUs }, id);
    await cdp.send('Profiler.start', {}, id);
  }
  const result = await work();
  const profiles = [];
  for (const id of ids) {
    const { profile } = await cdp.send('Profiler.stop', {}, id);
    profiles.push({ session: id, ...workers.get(id), ...selfTimes(profile) });
  }
  cdp.close();
  return { result, profiles };
}
