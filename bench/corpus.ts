/**
 * A generated, realistic mix of CloudTrail records for benchmarks: mostly KMS data-key calls made through S3 and S3 Tables
 * (as in a real account), S3 object writes, and a thin layer of configuration changes that rules and the ledger act on.
 * With the variations of real logs (../shared/reference/cloudtrail-events.md): calls a service makes on your behalf carry
 * no tlsDetails, some resources no type, some calls a VPC endpoint, and a few data-key calls fail (AccessDenied).
 */
const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const KEYS = Array.from({ length: 20 }, (_, i) => `arn:aws:kms:${REGION}:${ACCOUNT}:key/${String(i).padStart(8, '0')}-1111-4222-8333-444455556666`);
const BUCKETS = Array.from({ length: 200 }, (_, i) => `data-${i}`);
const TABLE_BUCKETS = Array.from({ length: 20 }, (_, i) => `arn:aws:s3tables:${REGION}:${ACCOUNT}:bucket/lake-${i}`);
const ROLES = Array.from({ length: 30 }, (_, i) => `Role${i}`);

function pick<T>(items: readonly T[], n: number): T {
  return items[n % items.length]!;
}

function identity(n: number): Record<string, unknown> {
  const role = pick(ROLES, n);
  return {
    type: 'AssumedRole', principalId: `AROAEXAMPLE${n % 30}:session-${n % 7}`, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/session-${n % 7}`,
    accountId: ACCOUNT, accessKeyId: 'ASIAEXAMPLE',
    sessionContext: { sessionIssuer: { type: 'Role', principalId: `AROAEXAMPLE${n % 30}`, arn: `arn:aws:iam::${ACCOUNT}:role/${role}`, accountId: ACCOUNT, userName: role }, attributes: { creationDate: '2025-01-10T00:00:00Z', mfaAuthenticated: 'false' } },
    ...(n % 3 === 0 ? { invokedBy: 's3.amazonaws.com' } : {}),
  };
}

function base(n: number, source: string, name: string, time: number): Record<string, unknown> {
  return {
    eventVersion: '1.11', userIdentity: identity(n), eventTime: new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: source, eventName: name, awsRegion: REGION, sourceIPAddress: n % 3 === 0 ? 's3.amazonaws.com' : `203.0.113.${n % 250}`,
    userAgent: n % 3 === 0 ? 's3.amazonaws.com' : 'aws-sdk-java/2.25.0 Linux/6.1 OpenJDK_64-Bit_Server_VM/21', requestID: `req-${n}`,
    eventID: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, eventType: 'AwsApiCall', managementEvent: true, recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    // absent when a service calls on your behalf
    ...(n % 3 === 0 ? {} : { tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `kms.${REGION}.amazonaws.com` } }),
    ...(n % 4 === 1 ? { vpcEndpointId: 'vpce-0123456789abcdef0', vpcEndpointAccountId: ACCOUNT } : {}),
  };
}

/** A data-key call that failed: the error fields, and no response. */
function failed(n: number): Record<string, unknown> {
  return n % 200 === 13 ? { errorCode: 'AccessDenied', errorMessage: `User: arn:aws:sts::${ACCOUNT}:assumed-role/${pick(ROLES, n)}/session-${n % 7} is not authorized to perform: kms:Decrypt` } : {};
}

/** The key's resource entry; some KMS records name no type. */
function keyResource(n: number, key: string): Record<string, unknown> {
  return n % 5 === 0 ? { accountId: ACCOUNT, ARN: key } : { accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: key };
}

export function generateRecord(n: number, startMs = Date.parse('2025-01-10T00:00:00Z')): Record<string, unknown> {
  const time = startMs + n * 50;
  const kind = n % 100;
  const key = pick(KEYS, n);
  if (kind < 60) {
    const bucket = pick(BUCKETS, n);
    const context = n % 2 ? `arn:aws:s3:::${bucket}/part-${n % 1000}.parquet` : `arn:aws:s3:::${bucket}`;
    return { ...base(n, 'kms.amazonaws.com', n % 4 ? 'Decrypt' : 'GenerateDataKey', time), readOnly: true, ...failed(n),
      requestParameters: { keyId: key, encryptionContext: { 'aws:s3:arn': context }, ...(n % 4 ? { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' } : { keySpec: 'AES_256' }) },
      responseElements: null, resources: [keyResource(n, key)] };
  }
  if (kind < 75) {
    const table = `${pick(TABLE_BUCKETS, n)}/table/${String(n % 500).padStart(8, '0')}-aaaa-4bbb-8ccc-dddddddddddd`;
    return { ...base(n, 'kms.amazonaws.com', 'Decrypt', time), userIdentity: { type: 'AWSService', invokedBy: 'maintenance.s3tables.amazonaws.com' },
      readOnly: true, ...failed(n), requestParameters: { keyId: key, encryptionContext: { 'aws:s3:arn': `${table}/data/f-${n}.parquet` }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
      responseElements: null, resources: [keyResource(n, key)] };
  }
  if (kind < 90) {
    const bucket = pick(BUCKETS, n);
    return { ...base(n, 's3.amazonaws.com', 'PutObject', time), eventCategory: 'Data', managementEvent: false, readOnly: false,
      requestParameters: { bucketName: bucket, Host: `${bucket}.s3.${REGION}.amazonaws.com`, key: `part-${n}.parquet`, 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': key },
      responseElements: { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': key },
      additionalEventData: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', bytesTransferredIn: 10240, SSEApplied: 'SSE_KMS', AuthenticationMethod: 'AuthHeader' },
      resources: [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/part-${n}.parquet` }, { accountId: ACCOUNT, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }] };
  }
  if (kind < 95) {
    const tableBucket = pick(TABLE_BUCKETS, n);
    return { ...base(n, 's3tables.amazonaws.com', 'CreateTable', time), readOnly: false,
      requestParameters: { tableBucketARN: tableBucket, namespace: 'ns', name: `t${n}`, format: 'ICEBERG', ...(n % 2 ? { encryptionConfiguration: { sseAlgorithm: 'aws:kms', kmsKeyArn: key } } : {}) },
      responseElements: { tableARN: `${tableBucket}/table/${String(n).padStart(8, '0')}-aaaa-4bbb-8ccc-dddddddddddd`, versionToken: 'v' } };
  }
  if (kind < 98) {
    const bucket = pick(BUCKETS, n);
    return { ...base(n, 's3.amazonaws.com', 'PutBucketEncryption', time), readOnly: false,
      requestParameters: { bucketName: bucket, Host: `${bucket}.s3.${REGION}.amazonaws.com`, encryption: '', ServerSideEncryptionConfiguration: { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/', Rule: { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key }, BucketKeyEnabled: n % 2 === 0 } } },
      responseElements: null, resources: [{ accountId: ACCOUNT, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }] };
  }
  return { ...base(n, 'kms.amazonaws.com', n % 2 ? 'DisableKey' : 'EnableKey', time), readOnly: false,
    requestParameters: { keyId: key }, responseElements: { keyId: key }, resources: [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: key }] };
}

/** Calls of services sse-sentinel reads nothing of, as most records of a real account's log files are. */
const OTHER_SERVICES = [
  ['sts.amazonaws.com', 'AssumeRole', (n: number) => ({ roleArn: `arn:aws:iam::${ACCOUNT}:role/${pick(ROLES, n)}`, roleSessionName: `session-${n % 7}`, durationSeconds: 3600 })],
  ['ec2.amazonaws.com', 'DescribeInstances', () => ({ instancesSet: {}, filterSet: {} })],
  ['logs.amazonaws.com', 'CreateLogStream', (n: number) => ({ logGroupName: `/aws/lambda/fn-${n % 40}`, logStreamName: `2025/01/10/[$LATEST]${String(n).padStart(32, '0')}` })],
  ['lambda.amazonaws.com', 'GetFunction20150331v2', (n: number) => ({ functionName: `fn-${n % 40}` })],
  ['s3.amazonaws.com', 'ListBuckets', () => ({ Host: `s3.${REGION}.amazonaws.com` })],
] as const;

/**
 * A log-file-like mix: `otherShare` of the records are other services' calls (an assumption: the share varies by
 * account, and in most it is the larger part), the rest generateRecord's mix.
 */
export function generateLogRecord(n: number, otherShare: number): Record<string, unknown> {
  if ((n % 100) / 100 >= otherShare) return generateRecord(n);
  const [source, name, parameters] = pick(OTHER_SERVICES, n);
  return { ...base(n, source, name, Date.parse('2025-01-10T00:00:00Z') + n * 50), readOnly: true, requestParameters: parameters(n), responseElements: null };
}
