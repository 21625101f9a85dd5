import type { Context } from 'aws-lambda';

/** A minimal Lambda context for invoking handlers directly. */
const lambdaContext = (): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'tamperwatch-test-detector',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:tamperwatch-test-detector',
  memoryLimitInMB: '512',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/tamperwatch-test-detector',
  logStreamName: '2026/11/24/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

export { lambdaContext };
