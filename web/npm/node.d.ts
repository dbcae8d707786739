export * from './types.js';
import type { Pkglens } from './types.js';

export declare const parseFiles: Pkglens['parseFiles'];
export declare const parseStream: Pkglens['parseStream'];
export declare const scanJson: Pkglens['scanJson'];
export declare const selectFiles: Pkglens['selectFiles'];
export declare const companionFiles: Pkglens['companionFiles'];
export declare const passedOver: Pkglens['passedOver'];
export declare const walkFolder: Pkglens['walkFolder'];
export declare const readWheel: Pkglens['readWheel'];
export declare const planWheel: Pkglens['planWheel'];
export declare const finishWheel: Pkglens['finishWheel'];
export declare const readWheelUrl: Pkglens['readWheelUrl'];
export declare const indexTree: Pkglens['indexTree'];
export declare const summarize: Pkglens['summarize'];
export declare const resolve: Pkglens['resolve'];
export declare const resolveJson: Pkglens['resolveJson'];
export declare const PackageSet: Pkglens['PackageSet'];
export declare const PackageSetBuilder: Pkglens['PackageSetBuilder'];
export declare const pep440: Pkglens['pep440'];
export declare const rez: Pkglens['rez'];
export declare const threads: Pkglens['threads'];
export declare const version: Pkglens['version'];
export declare const schema: Pkglens['schema'];
export declare const build: Pkglens['build'];
/** The API (already loaded under Node). */
export declare function load(): Promise<Pkglens>;
