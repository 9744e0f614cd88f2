export { CLOUDTRAIL_SOURCE } from '../../correlate/cloudtrail.js';
export const MITRE_DISABLE_CLOUD_LOGS = 'MITRE ATT&CK T1562.008 Impair Defenses: Disable or Modify Cloud Logs';
export const CIS_CLOUDTRAIL_CHANGES = 'CIS AWS Foundations Benchmark 4.5 (3.x: 4.5) Ensure a log metric filter and alarm exist for CloudTrail configuration changes';
