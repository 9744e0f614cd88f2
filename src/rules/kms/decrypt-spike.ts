import type { Rule, RuleDocs } from '../rule.js';
import { KMS_SOURCE, keyOf } from './common.js';
import { servedResource, SUCCESSFUL, usagePrincipal, windowOf } from './usage.js';
import { USAGE_WINDOW_MS } from '../../correlate/ledger.js';

export const decryptSpike: Rule = {
  id: 'kms.decrypt-spike',
  title: 'Unusual burst of KMS decrypts by one principal',
  severity: 'HIGH',
  runbook: [
    '1. Who is it ("by") and what does it read? Check S3 data events (GetObject) for the same principal and bucket.',
    '2. If unexpected: revoke the session (aws iam put-role-policy with an aws:TokenIssueTime deny, or disable the user\'s keys).',
    '3. If it is a new legitimate job, raise spikeMinimum / decryptCeilingPerHour or suppress the principal.',
  ].join('\n'),
  triggers: [{ eventSource: KMS_SOURCE, eventNames: ['Decrypt'], detailFilter: SUCCESSFUL }],
  match(event, { ledger, policy }) {
    if (event.errorCode) return [];
    const keyArn = keyOf(event);
    if (!keyArn) return [];
    const { resource } = servedResource(event);
    const principal = usagePrincipal(event);
    const settings = policy.document.kms.usage;
    const window = windowOf(event);
    const count = ledger.usage(keyArn, resource, principal, 'Decrypt', window) + 1;
    // the threshold is never below the minimum (or the ceiling): skip the baseline lookups until then
    const floor = Math.min(settings.spikeMinimum, settings.decryptCeilingPerHour ?? Infinity);
    if (count < floor) return [];
    const history = ledger.usageTotal(keyArn, resource, principal, 'Decrypt', window - settings.baselineHours * USAGE_WINDOW_MS, window);
    const baseline = history / settings.baselineHours;
    const spikeAt = Math.max(settings.spikeMinimum, Math.ceil(baseline * settings.spikeFactor));
    const threshold = settings.decryptCeilingPerHour !== undefined ? Math.min(settings.decryptCeilingPerHour, spikeAt) : spikeAt;
    // exactly at the crossing: one finding per principal, resource and hour
    if (count !== threshold) return [];
    return [{
      summary: `${count} decrypts of ${resource} by ${principal} this hour (baseline ${baseline.toFixed(1)}/h over ${settings.baselineHours} h)`,
      resources: [resource, keyArn],
      keyArn,
      dedupResource: `${keyArn}|${resource}|${principal}`,
      current: { decryptsThisHour: count, baselinePerHour: Number(baseline.toFixed(2)), threshold },
    }];
  },
};

export const decryptSpikeDocs: RuleDocs = {
  description:
    'A principal\'s successful Decrypt calls for one resource (bucket, table bucket or table) in the current hour crossed ' +
    'spikeFactor × its average of the previous baselineHours hours (at least spikeMinimum), or the decryptCeilingPerHour set ' +
    'in the policy. Bulk decryption is what exfiltration of encrypted data looks like. Fires once per principal, resource and hour.',
  references: ['MITRE ATT&CK T1530 Data from Cloud Storage', 'https://docs.aws.amazon.com/kms/latest/developerguide/monitoring-overview.html'],
  fixtures: { positive: ['scenarios/decrypt-spike/'], negative: ['scenarios/decrypt-steady/'] },
};
