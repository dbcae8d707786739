// Node entry: the single-thread build, loaded synchronously (the threaded build needs browser
// web workers). Every function is available at once; `load()` is there for code shared with
// browsers.
import { readFileSync } from 'node:fs';
import * as wasm from './single/pkglens_web.js';
import { makeApi } from './api.js';

const { memory } = wasm.initSync({ module: readFileSync(new URL('./single/pkglens_web_bg.wasm', import.meta.url)) });

const api = makeApi(wasm, { build: 'single', memory });

export const {
  parseFiles, parseStream, scanJson, selectFiles, companionFiles, passedOver, walkFolder, readWheel, planWheel, finishWheel, readWheelUrl, indexTree, summarize, resolve, resolveJson, resolveDot, resolveMermaid, PackageSet, PackageSetBuilder, pep440, rez, threads, version, schema, build,
} = api;

/** The API (already loaded under Node). */
export async function load() {
  return api;
}
