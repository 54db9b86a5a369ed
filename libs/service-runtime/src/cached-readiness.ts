import { overallStatus, runChecks, type CheckReport, type ReadinessCheck } from './check';

/** A snapshot that is not ok is re-checked this soon, so a starting service turns ready quickly. */
const NOT_READY_MAX_AGE_MS = 1_000;

export interface ReadinessSnapshot {
  reports: CheckReport[];
  checkedAt: Date;
}

/**
 * The readiness checks, run on a schedule instead of per request: probes and load balancers may
 * call `/health/ready` as often as they like and cost one run per `refreshMs` (opening a warehouse,
 * calling BigQuery and Pub/Sub). A snapshot older than `refreshMs` (the timer is late when Cloud
 * Run throttles an idle instance's CPU) is refreshed before it is answered; concurrent callers
 * share one run. A snapshot that is not ok is kept at most a second, so a caller polling a starting
 * service sees it turn ready without waiting for the schedule.
 */
export class CachedReadiness {
  private snapshot: ReadinessSnapshot | undefined;
  private running: Promise<ReadinessSnapshot> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly checks: readonly ReadinessCheck[],
    readonly refreshMs = 15_000,
  ) {}

  async current(): Promise<ReadinessSnapshot> {
    const maxAge =
      this.snapshot && overallStatus(this.snapshot.reports) === 'ok'
        ? this.refreshMs
        : Math.min(this.refreshMs, NOT_READY_MAX_AGE_MS);
    if (this.snapshot && Date.now() - this.snapshot.checkedAt.getTime() < maxAge) return this.snapshot;
    return this.refresh();
  }

  refresh(): Promise<ReadinessSnapshot> {
    this.running ??= runChecks(this.checks)
      .then((reports) => (this.snapshot = { reports, checkedAt: new Date() }))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  startSchedule(): void {
    this.timer ??= setInterval(() => void this.refresh(), this.refreshMs).unref();
  }

  stopSchedule(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
