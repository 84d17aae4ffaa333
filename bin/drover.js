#!/usr/bin/env node
'use strict';
// Keep the AWS SDK's Node-version notice out of CLI output (see README, "Node versions").
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// `drover get fleets | head`: the reader went away; stop quietly like other CLI tools.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}
require('../dist/main/cli.js').main(process.argv).catch((err) => {
  process.stderr.write(`drover: ${err && err.message ? err.message : String(err)}\n`);
  process.exit(1);
});
