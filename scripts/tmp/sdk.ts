const t0 = performance.now();
const { SNSClient, PublishCommand } = await import('@aws-sdk/client-sns');
const c = new SNSClient({});
await c.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:111122223333:bench', Message: '{"a":1}', Subject: 'x' }));
process.stderr.write(`sdk publish ${(performance.now() - t0).toFixed(1)} ms\n`);
