import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface LoadedMap {
  map: SourceMap;
  /** Where the map file is: its `sources` are relative to it. */
  url: URL;
}

/** The `//# sourceMappingURL=` comment a bundler writes on a file's last line. */
const MAPPING_COMMENT = /\/\/# sourceMappingURL=(\S+)\s*$/;
/** Enough of a file's end to hold its mapping comment. */
const TAIL_BYTES = 512;

/** Per generated file (as V8 names it: a path or a file: URL), its map; null when it has none. */
const loadedMaps = new Map<string, LoadedMap | null>();

/**
 * Stack traces name the TypeScript file, line and column instead of the bundle's, without
 * `--enable-source-maps`: that flag makes Node read and parse the map of every file it loads, at
 * start (tens of milliseconds per start, docs/performance.md). Here a file's map is read on the
 * first stack that has a frame in it, when the stack is formatted: error lines in the logs and
 * the crash stack Node prints for an uncaught exception both format `error.stack`
 * (https://v8.dev/docs/stack-trace-api#customizing-stack-traces). Does nothing when Node already
 * maps stacks itself (the flag was given).
 */
export function mapStackTracesThroughSourceMaps(): void {
  if (process.sourceMapsEnabled) return;
  Error.prepareStackTrace = formatMappedStack;
}

function formatMappedStack(error: Error, callSites: readonly NodeJS.CallSite[]): string {
  return [errorHeader(error), ...callSites.map((site) => `    at ${mappedFrame(site)}`)].join('\n');
}

/** As V8 heads a stack: "Name: message" (Error.prototype.toString, also for non-Error objects). */
function errorHeader(error: unknown): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return '<error>';
  }
}

/** V8's text for the frame with the bundle's position replaced by the original one, when known. */
function mappedFrame(site: NodeJS.CallSite): string {
  const text = site.toString();
  try {
    const file = site.getFileName();
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    if (!file || line === null || column === null) return text;
    const loaded = mapOf(file);
    if (!loaded) return text;
    const origin = loaded.map.findOrigin(line, column);
    if (!('fileName' in origin)) return text;
    const position = `${file}:${line}:${column}`;
    const at = text.lastIndexOf(position);
    if (at < 0) return text;
    const original = `${sourcePath(origin.fileName, loaded.url)}:${origin.lineNumber}:${origin.columnNumber}`;
    return `${text.slice(0, at)}${original}${text.slice(at + position.length)}`;
  } catch {
    return text;
  }
}

function sourcePath(source: string, mapUrl: URL): string {
  const url = new URL(source, mapUrl);
  return url.protocol === 'file:' ? fileURLToPath(url) : url.href;
}

function mapOf(file: string): LoadedMap | null {
  let loaded = loadedMaps.get(file);
  if (loaded === undefined) {
    loaded = readMap(file);
    loadedMaps.set(file, loaded);
  }
  return loaded;
}

function readMap(file: string): LoadedMap | null {
  const fileUrl = file.startsWith('file:') ? new URL(file) : isAbsolute(file) ? pathToFileURL(file) : undefined;
  if (!fileUrl) return null;
  try {
    const comment = MAPPING_COMMENT.exec(tail(fileURLToPath(fileUrl)))?.[1];
    if (!comment || comment.startsWith('data:')) return null;
    const url = new URL(comment, fileUrl);
    const payload = JSON.parse(readFileSync(url, 'utf8')) as SourceMapPayload;
    return { map: new SourceMap(payload), url };
  } catch {
    return null;
  }
}

function tail(path: string): string {
  const descriptor = openSync(path, 'r');
  try {
    const size = fstatSync(descriptor).size;
    const buffer = Buffer.alloc(Math.min(size, TAIL_BYTES));
    readSync(descriptor, buffer, 0, buffer.length, size - buffer.length);
    return buffer.toString('utf8');
  } finally {
    closeSync(descriptor);
  }
}
