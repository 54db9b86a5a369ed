import { Firestore } from '@google-cloud/firestore';
import { DistributedLock, FirestoreLockBackend } from '@props/distributed-lock';

/** Production's grading lock: `grading_locks/grading_<date>`, the document the Python grading also takes. */
export function firestoreGradingLock(projectId: string): DistributedLock {
  return new DistributedLock(new FirestoreLockBackend(new Firestore({ projectId }), 'grading_locks'));
}
