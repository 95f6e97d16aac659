// Node 20 lacks Promise.withResolvers, which aws-local-stepfunctions uses.
import '../infra/local/polyfill.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
