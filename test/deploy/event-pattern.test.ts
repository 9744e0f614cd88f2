import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../../src/deploy/event-pattern.js';

// Examples after the EventBridge user guide ("Content filtering in Amazon EventBridge event patterns").
const ec2Event = {
  source: 'aws.ec2',
  'detail-type': 'EC2 Instance State-change Notification',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { state: 'running', 'instance-id': 'i-1234567890abcdef0', c_count: 5, d_count: 7, x_limit: 301.8, location: 'eu-west-1', 'source-ip': '10.0.0.1' },
};

describe('matchesPattern', () => {
  it('matches exact values and arrays of alternatives', () => {
    expect(matchesPattern({ source: ['aws.ec2'], detail: { state: ['running', 'stopped'] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ source: ['aws.s3'] }, ec2Event)).toBe(false);
  });
  it('matches an event array when any element matches', () => {
    expect(matchesPattern({ resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-1234567890abcdef0', 'x'] }, ec2Event)).toBe(true);
  });
  it('supports prefix, suffix and equals-ignore-case', () => {
    expect(matchesPattern({ detail: { location: [{ prefix: 'eu-' }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { location: [{ suffix: '-1' }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { state: [{ 'equals-ignore-case': 'RUNNING' }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { location: [{ prefix: 'us-' }] } }, ec2Event)).toBe(false);
  });
  it('supports anything-but with a value, a list and a prefix', () => {
    expect(matchesPattern({ detail: { state: [{ 'anything-but': 'initializing' }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { state: [{ 'anything-but': ['stopped', 'running'] }] } }, ec2Event)).toBe(false);
    expect(matchesPattern({ detail: { state: [{ 'anything-but': { prefix: 'run' } }] } }, ec2Event)).toBe(false);
    expect(matchesPattern({ detail: { missing: [{ 'anything-but': 'x' }] } }, ec2Event)).toBe(false);
  });
  it('supports exists true and false', () => {
    expect(matchesPattern({ detail: { state: [{ exists: true }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { errorCode: [{ exists: true }] } }, ec2Event)).toBe(false);
    expect(matchesPattern({ detail: { errorCode: [{ exists: false }] } }, ec2Event)).toBe(true);
  });
  it('supports numeric ranges', () => {
    expect(matchesPattern({ detail: { c_count: [{ numeric: ['>', 0, '<=', 5] }], d_count: [{ numeric: ['<', 10] }], x_limit: [{ numeric: ['=', 301.8] }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { c_count: [{ numeric: ['>', 5] }] } }, ec2Event)).toBe(false);
  });
  it('supports wildcard', () => {
    expect(matchesPattern({ resources: [{ wildcard: 'arn:aws:ec2:*:123456789012:instance/*' }] }, ec2Event)).toBe(true);
    expect(matchesPattern({ resources: [{ wildcard: 'arn:aws:s3:*' }] }, ec2Event)).toBe(false);
  });
  it('supports $or', () => {
    const pattern = { detail: { $or: [{ c_count: [{ numeric: ['>', 10] }] }, { d_count: [{ numeric: ['<', 10] }] }] } };
    expect(matchesPattern(pattern, ec2Event)).toBe(true);
    expect(matchesPattern({ $or: [{ source: ['aws.s3'] }, { source: ['aws.kms'] }] }, ec2Event)).toBe(false);
  });
});
