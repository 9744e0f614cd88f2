import type {
  BatchGetCommandInput,
  BatchGetCommandOutput,
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DeleteCommandInput,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  ScanCommandInput,
  ScanCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';

/**
 * The DynamoDB calls the state store makes, with plain JavaScript values (the document client's inputs and outputs).
 * Two transports answer them: the SDK's document client (dynamodb-sdk.ts: the CLI, tests, any credential source) and
 * signed JSON calls (dynamodb-json.ts: Lambda, where loading the SDK client was most of a cold start).
 */
export interface DocumentCalls {
  scan(input: ScanCommandInput): Promise<Pick<ScanCommandOutput, 'Items' | 'LastEvaluatedKey'>>;
  batchGet(input: BatchGetCommandInput): Promise<Pick<BatchGetCommandOutput, 'Responses' | 'UnprocessedKeys'>>;
  get(input: GetCommandInput): Promise<Pick<GetCommandOutput, 'Item'>>;
  put(input: PutCommandInput): Promise<unknown>;
  update(input: UpdateCommandInput): Promise<Pick<UpdateCommandOutput, 'Attributes'>>;
  delete(input: DeleteCommandInput): Promise<unknown>;
  batchWrite(input: BatchWriteCommandInput): Promise<Pick<BatchWriteCommandOutput, 'UnprocessedItems'>>;
}

/** A conditional write that found the condition false, from either transport (both name their errors after the code). */
export function isConditionalCheckFailed(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';
}
