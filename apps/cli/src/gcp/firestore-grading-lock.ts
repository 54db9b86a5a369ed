import { Firestore } from '@google-cloud/firestore';
import { DistributedLock, FirestoreLockBackend } from '@props/distributed-lock';

/** Production's grading lock: `grading_locks/grading_<date>`, the document the Python grading also takes. */
export function firestoreGradingLock(projectId: string, databaseId: string): DistributedLock {
  return new DistributedLock(new FirestoreLockBackend(new Firestore({ projectId, databaseId }), 'grading_locks'));
}
