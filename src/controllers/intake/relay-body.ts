/**
 * Reads an HTTP request body with a byte cap and a deadline on the injected clock. Resolves
 * with the body, or with why it was refused: too large (as soon as Content-Length or the
 * streamed bytes pass the cap) or too slow.
 */
import type { IncomingMessage } from 'http';
import type { Clock } from '../../util/clock';

export type BodyResult = { ok: true; body: Buffer } | { ok: false; status: 408 | 413 | 400; reason: string };

export function readBody(req: IncomingMessage, maxBytes: number, timeoutMs: number, clock: Clock): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.resolve({ ok: false, status: 413, reason: `Content-Length ${declared} is over the ${maxBytes}-byte limit` });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = new AbortController();
    let settled = false;
    const finish = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      timer.abort();
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('error', onError);
      if (!result.ok) req.resume();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return finish({ ok: false, status: 413, reason: `body is over the ${maxBytes}-byte limit` });
      chunks.push(chunk);
    };
    const onEnd = () => finish({ ok: true, body: Buffer.concat(chunks) });
    const onError = (err: Error) => finish({ ok: false, status: 400, reason: `reading body: ${err.message}` });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    clock.sleep(timeoutMs, timer.signal).then(
      () => finish({ ok: false, status: 408, reason: `body not received within ${timeoutMs} ms` }),
      () => undefined,
    );
  });
}
