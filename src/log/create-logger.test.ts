import { PassThrough } from 'node:stream';
import { createLogger } from './create-logger';

function capture(level = 'debug') {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += String(d)));
  const logger = createLogger({ level, format: 'json', destination: out });
  return { logger, text: () => text };
}

describe('createLogger redaction', () => {
  const SECRET = 's3cr3t-token-value';
  it.each([
    ['a webhook token', { token: SECRET }],
    ['a GitLab token header', { headers: { 'x-gitlab-token': SECRET } }],
    ['nested request headers', { req: { headers: { 'x-gitlab-token': SECRET } } }],
    ['credentials', { credentials: { secretAccessKey: SECRET } }],
    ['user-data', { userData: `#!/bin/bash\nexport DB_PASSWORD=${SECRET}` }],
    ['SDK input user-data', { input: { UserData: Buffer.from(SECRET).toString('base64'), LaunchTemplateData: { UserData: SECRET } } }],
  ])('never writes %s', async (_what, fields) => {
    const { logger, text } = capture();
    logger.info({ event: 'test.redact', ...fields }, 'a record');
    await new Promise((r) => setImmediate(r));
    expect(text()).toContain('test.redact');
    expect(text()).not.toContain(SECRET);
    expect(text()).not.toContain(Buffer.from(SECRET).toString('base64'));
    expect(text()).toContain('[redacted]');
  });

  it('keeps the fields that are not secret', async () => {
    const { logger, text } = capture();
    logger.info({ event: 'test.keep', fleet: 'magento', component: 'intake' }, 'kept');
    await new Promise((r) => setImmediate(r));
    const rec = JSON.parse(text().trim());
    expect(rec).toMatchObject({ event: 'test.keep', fleet: 'magento', component: 'intake', msg: 'kept' });
  });
});
