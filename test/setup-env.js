// Every test runs with NODE_ENV=test: client construction refuses to run without the sim plugin.
process.env.NODE_ENV = 'test';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_REGION = process.env.AWS_REGION || 'eu-west-1';
