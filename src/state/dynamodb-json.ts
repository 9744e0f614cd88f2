import { marshall, unmarshall, type NativeAttributeValue } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { AwsServiceError, regionalEndpoint, retryableAnswer, signedPoster, type PostResponse, type SignedPostOptions } from '../util/signed-post.js';
import type { DocumentCalls } from './dynamodb-documents.js';

/**
 * The state store's DynamoDB calls as signed JSON requests (DynamoDB's own protocol: a POST with `X-Amz-Target`),
 * without the SDK client: on a Lambda cold start the client's modules took ~24 ms to load and its constructor ~4.5 ms,
 * this path ~5 ms. Values are converted with the SDK's own marshall/unmarshall, as the document client converts them
 * (a test compares both transports on the wire), and throttling, server and network errors are retried with backoff.
 */
export type JsonDocumentsOptions = Omit<SignedPostOptions, 'service'>;

/** Names this path in CloudTrail data events and DynamoDB's logs. */
export const USER_AGENT = 'sse-sentinel dynamodb-json';

type Item = Record<string, NativeAttributeValue>;
type Wire = Record<string, AttributeValue>;
type Json = Record<string, unknown>;

/** The DynamoDB endpoint for a Region, when this path knows it; undefined sends the caller to the SDK client. */
export function dynamodbEndpoint(region: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  return regionalEndpoint('dynamodb', region, env);
}

const toWire = (item: Item): Wire => marshall(item, { removeUndefinedValues: true });
const fromWire = (item: Wire): Item => unmarshall(item);

function mapValues<A, B>(record: Record<string, A>, convert: (value: A) => B): Record<string, B> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, convert(value)]));
}

type WriteRequest = { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } };

function writeRequest(request: WriteRequest, convert: (item: Item) => Item): WriteRequest {
  if (request.PutRequest) return { PutRequest: { Item: convert(request.PutRequest.Item) } };
  return { DeleteRequest: { Key: convert(request.DeleteRequest!.Key) } };
}

/** The input with every attribute value the document client would marshal (keys, items, values, batch requests). */
function marshalRequest(input: Json): Json {
  const out: Json = { ...input };
  for (const field of ['Key', 'Item', 'ExpressionAttributeValues', 'ExclusiveStartKey']) {
    if (out[field] !== undefined) out[field] = toWire(out[field] as Item);
  }
  if (out['RequestItems']) {
    out['RequestItems'] = mapValues(out['RequestItems'] as Json, (request) =>
      Array.isArray(request)
        ? request.map((write: WriteRequest) => writeRequest(write, toWire as (item: Item) => Item))
        : { ...(request as Json), Keys: ((request as { Keys: Item[] }).Keys).map(toWire) });
  }
  return out;
}

/** The output with every attribute value unmarshalled, unprocessed batch requests included (they are sent again). */
function unmarshalResponse(output: Json): Json {
  const out: Json = { ...output };
  for (const field of ['Item', 'Attributes', 'LastEvaluatedKey']) if (out[field]) out[field] = fromWire(out[field] as Wire);
  if (out['Items']) out['Items'] = (out['Items'] as Wire[]).map(fromWire);
  if (out['Responses']) out['Responses'] = mapValues(out['Responses'] as Record<string, Wire[]>, (items) => items.map(fromWire));
  if (out['UnprocessedKeys']) {
    out['UnprocessedKeys'] = mapValues(out['UnprocessedKeys'] as Record<string, Json>, (request) => ({ ...request, Keys: (request['Keys'] as Wire[]).map(fromWire) }));
  }
  if (out['UnprocessedItems']) {
    out['UnprocessedItems'] = mapValues(out['UnprocessedItems'] as Record<string, WriteRequest[]>, (writes) =>
      writes.map((write) => writeRequest(write, fromWire as unknown as (item: Item) => Item)));
  }
  return out;
}

/**
 * The error's code as the SDK reads it: the `x-amzn-errortype` header (`Code:https://…`), else the body's `__type`
 * (`com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException`), without namespace or suffix.
 */
function errorOf({ status, text, errorType }: PostResponse): AwsServiceError {
  let body: Json = {};
  try {
    body = JSON.parse(text) as Json;
  } catch {
    // a proxy's HTML error page: the status says enough
  }
  const type = errorType ?? (typeof body['__type'] === 'string' ? (body['__type'] as string) : `HTTP${status}`);
  const name = type.split(':')[0]!;
  const code = name.slice(name.lastIndexOf('#') + 1);
  const message = body['message'] ?? body['Message'];
  return new AwsServiceError(code, typeof message === 'string' ? message : `DynamoDB answered ${status}`, status, retryableAnswer(status, code));
}

export function jsonDocuments(options: JsonDocumentsOptions): DocumentCalls {
  const send = signedPoster({ ...options, service: 'dynamodb' }, USER_AGENT);
  const call = (operation: string) => (input: object): Promise<Json> =>
    send(JSON.stringify(marshalRequest(input as Json)), { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${operation}` }, (response) => {
      if (response.status >= 200 && response.status < 300) return unmarshalResponse(JSON.parse(response.text) as Json);
      throw errorOf(response);
    });
  return {
    scan: call('Scan'),
    batchGet: call('BatchGetItem'),
    get: call('GetItem'),
    put: call('PutItem'),
    update: call('UpdateItem'),
    delete: call('DeleteItem'),
    batchWrite: call('BatchWriteItem'),
  };
}
