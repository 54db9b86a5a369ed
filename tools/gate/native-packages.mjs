/**
 * The only packages a bundle may leave external (apps declare theirs in project.json "bundle"):
 * they carry native addons that esbuild cannot inline, and every image's glibc base loads them.
 * Anything else is bundled, so it cannot be missing from an image.
 */
export const NATIVE_PACKAGES = ['onnxruntime-node', '@duckdb/node-api'];

/** Base images without glibc (musl, static, empty) cannot load the native addons above. */
export const NON_GLIBC_BASE = /(alpine|musl|distroless\/static|busybox|scratch)/i;
