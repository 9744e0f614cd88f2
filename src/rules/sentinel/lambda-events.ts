import type { CloudTrailEvent } from '../../events/types.js';

/** Lambda logs versioned event names (Lambda developer guide, "Logging Lambda API calls with CloudTrail"). */
export const LAMBDA_EVENT_OPERATIONS: Readonly<Record<string, string>> = {
  DeleteFunction20150331: 'DeleteFunction',
  PutFunctionConcurrency20171031: 'PutFunctionConcurrency',
  UpdateFunctionConfiguration20150331v2: 'UpdateFunctionConfiguration',
  UpdateFunctionCode20150331v2: 'UpdateFunctionCode',
  RemovePermission20150331v2: 'RemovePermission',
  DeleteEventSourceMapping20150331: 'DeleteEventSourceMapping',
  UpdateEventSourceMapping20150331: 'UpdateEventSourceMapping',
  // its reservation guarantees the function capacity when the account's other functions take the unreserved pool
  DeleteFunctionConcurrency20171031: 'DeleteFunctionConcurrency',
  // a new principal may invoke a function directly, with events of its own making
  AddPermission20150331v2: 'AddPermission',
  // retries and the on-failure destination: without them a failed event is dropped unseen
  PutFunctionEventInvokeConfig: 'PutFunctionEventInvokeConfig',
  UpdateFunctionEventInvokeConfig: 'UpdateFunctionEventInvokeConfig',
  DeleteFunctionEventInvokeConfig: 'DeleteFunctionEventInvokeConfig',
  // an HTTPS endpoint in front of a function (with AuthType NONE, anyone's)
  CreateFunctionUrlConfig: 'CreateFunctionUrlConfig',
  UpdateFunctionUrlConfig: 'UpdateFunctionUrlConfig',
};

/** What a change to one of its functions' invocation settings means, in the alert's words. */
export function lambdaChange(event: CloudTrailEvent): string | undefined {
  const request = event.requestParameters;
  switch (LAMBDA_EVENT_OPERATIONS[event.eventName]) {
    case 'DeleteFunctionConcurrency':
      return 'reserved concurrency removed (the function now competes for the account\'s unreserved concurrency: a busy account can starve it)';
    case 'AddPermission':
      return `AddPermission: ${typeof request['principal'] === 'string' ? request['principal'] : 'another principal'} may now invoke the function (events of its own making reach it directly)`;
    case 'PutFunctionEventInvokeConfig':
    case 'UpdateFunctionEventInvokeConfig':
    case 'DeleteFunctionEventInvokeConfig':
      return `${event.eventName}: retries or the on-failure destination changed (a failed event may now be dropped unseen)`;
    case 'CreateFunctionUrlConfig':
    case 'UpdateFunctionUrlConfig':
      return request['authType'] === 'NONE'
        ? `${event.eventName} with AuthType NONE: anyone on the internet may invoke the function`
        : `${event.eventName}: the function gets an HTTPS endpoint`;
    default:
      return undefined;
  }
}
