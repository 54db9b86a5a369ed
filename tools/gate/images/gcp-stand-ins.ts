// The Google services a container on the gcp backend talks to, on loopback: gcloud's Firestore and
// Pub/Sub emulators, the loopback BigQuery endpoint answered from a seeded DuckDB warehouse, and an
// OIDC key set that signs the push token the worker verifies. Run by the gate's images check
// (`node --import tsx tools/gate/images/gcp-stand-ins.ts`): prints one JSON line with the
// addresses, then keeps serving until its standard input closes.
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PubSub } from '@google-cloud/pubsub';
import { DEFAULT_TOPICS } from '@props/contracts';
import { BigQueryRestEmulator, emulatorUnavailable, startEmulator } from '@props/emulators';
import { seedWarehouse, withWarehouse } from '@props/warehouse';

const PROJECT_ID = 'props-gate';
const PUSH_AUDIENCE = 'https://worker.props-gate.invalid';
const PUSH_ACCOUNT = 'pusher@props-gate.iam.gserviceaccount.com';
const TOPICS = Object.values(DEFAULT_TOPICS);

async function main(): Promise<void> {
  const missing = emulatorUnavailable('firestore') ?? emulatorUnavailable('pubsub');
  if (missing) throw new Error(missing);
  const folder = mkdtempSync(join(tmpdir(), 'props-images-'));
  const [firestore, pubsub] = await Promise.all([startEmulator('firestore'), startEmulator('pubsub')]);
  const { out } = await seedWarehouse({
    samplesDir: 'data/nba-samples',
    out: join(folder, 'warehouse.duckdb'),
    seed: 7,
  });
  process.env.PUBSUB_EMULATOR_HOST = pubsub.host;
  const client = new PubSub({ projectId: PROJECT_ID });
  for (const topic of TOPICS) await client.createTopic(topic);
  await client.close();

  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keys = createServer((_request, response) =>
    response.end(JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'gate' }] })),
  );
  await new Promise<void>((resolveListen) => keys.listen(0, '127.0.0.1', () => resolveListen()));
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${part({ alg: 'RS256', kid: 'gate' })}.${part({ iss: 'https://accounts.google.com', aud: PUSH_AUDIENCE, email: PUSH_ACCOUNT, email_verified: true, iat: now, exp: now + 3600 })}`;
  const pushToken = `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), privateKey).toString('base64url')}`;

  await withWarehouse(out, async (connection) => {
    const bigquery = new BigQueryRestEmulator(connection);
    const bigqueryUrl = await bigquery.start();
    process.stdout.write(
      `${JSON.stringify({
        projectId: PROJECT_ID,
        firestoreHost: firestore.host,
        pubsubHost: pubsub.host,
        bigqueryUrl,
        jwksUrl: `http://127.0.0.1:${(keys.address() as AddressInfo).port}/certs`,
        pushAudience: PUSH_AUDIENCE,
        pushAccount: PUSH_ACCOUNT,
        pushToken,
      })}\n`,
    );
    await new Promise<void>((resolveEnd) => {
      process.stdin.on('end', resolveEnd).on('close', resolveEnd).resume();
    });
    await bigquery.stop();
  });
  keys.close();
  await Promise.all([firestore.stop(), pubsub.stop()]);
  rmSync(folder, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`gcp stand-ins failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
