import * as z from 'zod';

/** The body Pub/Sub POSTs to a push subscription (and what the local publisher POSTs too). */
export const PushEnvelopeSchema = z.object({
  message: z.object({
    data: z.string().min(1, 'message.data is empty'),
    messageId: z.string().min(1).optional(),
    message_id: z.string().min(1).optional(),
    publishTime: z.string().optional(),
    attributes: z.record(z.string(), z.string()).optional(),
    deliveryAttempt: z.number().int().positive().optional(),
  }),
  subscription: z.string().optional(),
  deliveryAttempt: z.number().int().positive().optional(),
});
export type PushEnvelope = z.infer<typeof PushEnvelopeSchema>;
