import { ServiceError } from '@props/contracts';

/** Why /start did not start a batch, with the reason for the caller. */
export class BatchRefusal extends ServiceError {
  override readonly name = 'BatchRefusal';
}
