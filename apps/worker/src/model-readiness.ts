import type { ServedModel } from '@props/models';
import type { ReadinessCheck } from '@props/service-runtime';

/** One readiness line per served model: loaded from where, or degraded to the fallback and why. */
export function modelReadinessChecks(models: readonly ServedModel[]): ReadinessCheck[] {
  return models.map((model) => ({
    name: `model ${model.systemId}`,
    buildTime: true,
    run: () =>
      model.regressor
        ? { status: 'ok', detail: `${model.modelVersion} from ${model.location}` }
        : {
            status: 'degraded',
            problem: 'fallback_served',
            detail: `serving the weighted-average fallback: ${model.unavailableReason}`,
          },
  }));
}
