import { rejectedMessage, type RejectedMessage } from '@props/contracts';

export const HOUR_MS = 3_600_000;

/** The worker's rejection of a push carrying `messageId` (`<batch>.<player>`), recorded at `at`. */
export function workerRejection(messageId: string, at = new Date()): RejectedMessage {
  return rejectedMessage(
    'worker',
    { message: { messageId: '1', attributes: { props_message_id: messageId } } },
    { field: 'message.data', problem: 'expected base64' },
    at,
  );
}
