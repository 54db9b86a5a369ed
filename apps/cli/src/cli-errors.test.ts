import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closest, networkCause, oneLine, redactUrl } from './cli-errors';
import { savePage } from './grading/report-destination';

describe('the CLI error line', () => {
  it('suggests the command or option a typo meant, and nothing for a word far from all', () => {
    expect(closest('reprot', ['report', 'run', 'grade'])).toBe('report');
    expect(closest('dat', ['date', 'dataset-prefix', 'out'])).toBe('date');
    expect(closest('data', ['date', 'dataset-prefix'])).toBe('date');
    expect(closest('dataset', ['date', 'dataset-prefix', 'warehouse'])).toBe('dataset-prefix');
    expect(closest('migrat', ['seed', 'migrate', 'schema'])).toBe('migrate');
    expect(closest('xyzzy', ['report', 'run', 'grade'])).toBeUndefined();
  });

  it('keeps credentials in URLs out of messages', () => {
    expect(redactUrl('https://svc.example/status?game_date=2025-03-15&key=s3cret&token=t0k')).toBe(
      'https://svc.example/status?game_date=2025-03-15&key=REDACTED&token=REDACTED',
    );
    expect(redactUrl('https://me:hunter2@svc.example/start')).toBe('https://me:REDACTED@svc.example/start');
    expect(redactUrl('https://svc.example/status/batch_1')).toBe('https://svc.example/status/batch_1');
    expect(redactUrl('not a url?api_key=abc')).toBe('not a url?api_key=REDACTED');
  });

  it('names why a request got no answer: refused, DNS, TLS, time', () => {
    const fetchFailed = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: { code } });
    expect(networkCause(fetchFailed('ECONNREFUSED'))).toMatch(/^connection refused/);
    expect(networkCause(fetchFailed('ENOTFOUND'))).toMatch(/^DNS: /);
    expect(networkCause(fetchFailed('DEPTH_ZERO_SELF_SIGNED_CERT'))).toMatch(/^TLS: /);
    expect(networkCause(fetchFailed('ERR_TLS_SOMETHING_NEW'))).toBe('TLS: ERR_TLS_SOMETHING_NEW');
    expect(networkCause(new DOMException('timed out', 'TimeoutError'))).toBe('no answer in time');
    expect(networkCause(new Error('first\n    at stack'))).toBe('first');
  });

  it('turns a Google client error into one line with what to do', () => {
    const grpc = Object.assign(new Error('14 UNAVAILABLE: No connection established\n  at x'), {
      code: 14,
      metadata: {},
    });
    expect(oneLine(grpc)).toMatch(/^14 UNAVAILABLE: No connection established; check the network/);
    expect(
      oneLine(
        new Error(
          'Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started for more information.',
        ),
      ),
    ).toBe('Could not load the default credentials; sign in with: gcloud auth application-default login');
  });

  it('writes a page or says in one line why it cannot, naming the path', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'props-page-'));
    writeFileSync(join(folder, 'plain-file'), 'x');
    await savePage(join(folder, 'ok', 'page.html'), '<p>ok</p>');
    const underAFile = join(folder, 'plain-file', 'page.html');
    await expect(savePage(underAFile, '<p>x</p>')).rejects.toThrow(
      `the report page was not written: cannot write ${join(folder, 'plain-file')}: exists and is not a directory`,
    );
    await expect(savePage(folder, '<p>x</p>')).rejects.toThrow(`cannot write ${folder}: is a directory (name a file)`);
  });
});
