// A BeforeAllowTraffic hook written the way CodeDeploy's documentation shows: it tests the new
// version, then reports with PutLifecycleEventHookExecutionStatus. Nothing in it is specific to
// Glidepath: under Glidepath, AWS_ENDPOINT_URL_CODEDEPLOY points at Glidepath's status endpoint.
import { CodeDeployClient, PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';

const codedeploy = new CodeDeployClient({});
const lambda = new LambdaClient({});

export const handler = async (event) => {
  let status = 'Succeeded';
  try {
    // TARGET_FUNCTION names the version under test, e.g. "orders:3" (a SAM template passes !Ref Fn.Version).
    const response = await lambda.send(
      new InvokeCommand({ FunctionName: process.env.TARGET_FUNCTION, Payload: JSON.stringify({ ping: true }) }),
    );
    const body = JSON.parse(Buffer.from(response.Payload ?? []).toString('utf8') || 'null');
    if (response.FunctionError || !body || body.ok !== true) status = 'Failed';
  } catch (error) {
    console.error('smoke test failed', error);
    status = 'Failed';
  }
  await codedeploy.send(
    new PutLifecycleEventHookExecutionStatusCommand({
      deploymentId: event.DeploymentId,
      lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId,
      status,
    }),
  );
  return { status };
};
