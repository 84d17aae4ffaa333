#!/usr/bin/env node
'use strict';
// Keep the AWS SDK's Node-version notice out of CLI output (see README, "Node versions").
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('../dist/main/cli.js').main(process.argv).catch((err) => {
  process.stderr.write(`drover: ${err && err.message ? err.message : String(err)}\n`);
  process.exit(1);
});
