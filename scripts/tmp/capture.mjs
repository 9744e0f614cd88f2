// scripts/tmp/capture.ts
import { SNSClient, PublishCommand } from "@aws-sdk/client-sns";
import { createServer } from "node:http";
var server = createServer((req, res) => {
  let b = "";
  req.on("data", (c2) => b += c2);
  req.on("end", () => {
    console.log(req.method, req.url, JSON.stringify(req.headers));
    console.log(b);
    res.writeHead(200, { "content-type": "text/xml" });
    res.end("<PublishResponse><PublishResult><MessageId>m</MessageId></PublishResult></PublishResponse>");
  });
});
await new Promise((r) => server.listen(18766, "127.0.0.1", () => r()));
var c = new SNSClient({ region: "us-east-1", endpoint: "http://127.0.0.1:18766", credentials: { accessKeyId: "AKID", secretAccessKey: "secret", sessionToken: "tok" } });
await c.send(new PublishCommand({ TopicArn: "arn:aws:sns:us-east-1:111122223333:t.fifo", Subject: "[HIGH] it's (a) *test* ~ \xFC", Message: `{"a":"b c!'()*~"}`, MessageAttributes: { severity: { DataType: "String", StringValue: "HIGH" }, severityScore: { DataType: "Number", StringValue: "4" } }, MessageGroupId: "g", MessageDeduplicationId: "d" }));
server.close();
c.destroy();
