import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DocumentCalls } from './dynamodb-documents.js';

/** The state store's calls through the SDK's document client (the given client, or one built from `config`). */
export function sdkDocuments(client?: DynamoDBClient, config?: DynamoDBClientConfig): DocumentCalls {
  const documents = DynamoDBDocumentClient.from(client ?? new DynamoDBClient(config ?? {}), { marshallOptions: { removeUndefinedValues: true } });
  return {
    scan: (input) => documents.send(new ScanCommand(input)),
    batchGet: (input) => documents.send(new BatchGetCommand(input)),
    get: (input) => documents.send(new GetCommand(input)),
    put: (input) => documents.send(new PutCommand(input)),
    update: (input) => documents.send(new UpdateCommand(input)),
    delete: (input) => documents.send(new DeleteCommand(input)),
    batchWrite: (input) => documents.send(new BatchWriteCommand(input)),
  };
}
