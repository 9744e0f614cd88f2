import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/core/serde';
import { request } from 'node:http';
const t0 = performance.now();
const endpoint = new URL(process.env.AWS_ENDPOINT_URL_SNS!);
const body = new URLSearchParams({ Action: 'Publish', Version: '2010-03-31', TopicArn: 'arn:aws:sns:us-east-1:111122223333:bench', Message: '{"a":1}', Subject: 'x' }).toString();
const signer = new SignatureV4({ service: 'sns', region: 'us-east-1', sha256: Hash.bind(null, 'sha256') as any, credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID!, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY! } });
const signed = await signer.sign({ method: 'POST', protocol: endpoint.protocol, hostname: endpoint.hostname, port: Number(endpoint.port), path: '/', headers: { host: endpoint.host, 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) }, body, query: {} } as any);
const text = await new Promise<string>((resolve, reject) => {
  const req = request({ method: 'POST', host: endpoint.hostname, port: endpoint.port, path: '/', headers: signed.headers }, (res) => { let d = ''; res.on('data', (c) => (d += c)); res.on('end', () => resolve(d)); });
  req.on('error', reject); req.end(body);
});
process.stderr.write(`light publish ${(performance.now() - t0).toFixed(1)} ms ${text.slice(0, 40)}\n`);
