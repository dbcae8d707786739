/// <reference types="vite/client" />
/** Where the worker finds the package's browser entry in a build, relative to the worker's chunk. */
declare const PACKAGE_ENTRY: string;
