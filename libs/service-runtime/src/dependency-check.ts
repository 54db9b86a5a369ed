import type { ReadinessCheck } from './check';

/**
 * A readiness check that makes one cheap call to a dependency (a table's metadata, a topic's
 * existence) and fails, naming it, when the call errors or takes longer than `timeoutMs`.
 */
export function dependencyCheck(name: string, probe: () => Promise<string>, timeoutMs = 5_000): ReadinessCheck {
  return {
    name,
    async run() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        return { status: 'ok', detail: await Promise.race([probe(), timeout]) };
      } catch (error) {
        return {
          status: 'failed',
          problem: 'unreachable',
          detail: error instanceof Error ? error.message.split('\n')[0]! : String(error),
        };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
