import type { Block, KnownBlock, MessageAttachment, PlainTextElement } from '@slack/types';
import type { Alert } from './alert.js';
import { clean, slackMrkdwn } from './sanitize.js';

/** Slack's limits: header 150, section text 3,000, 10 fields of 2,000, 50 blocks, button text 75, URL 3,000. */
export const SLACK_LIMITS = { header: 150, sectionText: 3000, field: 2000, fields: 10, blocks: 50, buttonText: 75, url: 3000, fallback: 1000 } as const;

const COLOURS: Record<string, string> = { CRITICAL: '#7b0000', HIGH: '#ad0614', MEDIUM: '#ff8c00', LOW: '#e2d43b', INFO: '#8a8a8a' };
const EMOJI: Record<string, string> = { CRITICAL: '🟥', HIGH: '🔴', MEDIUM: '🟠', LOW: '🟡', INFO: '⚪' };

export interface SlackMessage {
  text: string;
  attachments: MessageAttachment[];
  unfurl_links: false;
  unfurl_media: false;
}

/** Hostile values go in plain_text objects: Slack renders them literally, no mention, link or formatting applies. */
function plain(text: string, limit: number = SLACK_LIMITS.field): PlainTextElement {
  return { type: 'plain_text', text: clean(text, limit) || '-', emoji: false };
}

function field(label: string, value: string | undefined): PlainTextElement | undefined {
  return value ? plain(`${label}: ${value}`) : undefined;
}

function occurrencesText(alert: Alert): string | undefined {
  const o = alert.occurrences;
  if (!o) return undefined;
  const top = (counts: Record<string, number>) => Object.entries(counts).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, n]) => `${k} ×${n}`).join(', ');
  return `${o.count} occurrences ${o.firstSeen} – ${o.lastSeen}. Principals: ${top(o.byPrincipal)}. Resources: ${top(o.byResource)}`;
}

/** A pure function of the alert: Block Kit inside a coloured attachment, and a plain-text fallback for notifications. */
export function renderSlack(alert: Alert): SlackMessage {
  const who = [alert.actor.principal, alert.actor.invokedBy ? `via ${alert.actor.invokedBy}` : undefined].filter(Boolean).join(' ');
  const fields = [
    field('Account', `${alert.account} / ${alert.region}`),
    field('Rule', alert.ruleId),
    field('Principal', who),
    field('Role', alert.actor.roleArn),
    field('Session', alert.actor.sessionName),
    field('Source IP', alert.actor.sourceIp),
    field('User agent', alert.actor.userAgent),
    field('Event', `${alert.eventName} at ${alert.eventTime}`),
    field('Key', alert.keyArn),
    field('Remediation', alert.remediation ? `${alert.remediation.action} (${alert.remediation.mode}): ${alert.remediation.outcome}` : undefined),
  ].filter((f): f is PlainTextElement => f !== undefined).slice(0, SLACK_LIMITS.fields);

  const blocks: (KnownBlock | Block)[] = [
    { type: 'header', text: plain(`${EMOJI[alert.severity] ?? ''} ${alert.severity} · ${alert.title}`, SLACK_LIMITS.header) },
    { type: 'section', text: plain(alert.summary, SLACK_LIMITS.sectionText) },
    { type: 'section', fields },
    { type: 'section', text: plain(`Resources: ${alert.resources.join(', ')}`, SLACK_LIMITS.sectionText) },
  ];
  if (alert.blastRadius) {
    const b = alert.blastRadius;
    blocks.push({ type: 'section', text: plain(`Blast radius: ${b.tableBuckets.count} table buckets, ${b.tables.count} tables, ${b.buckets.count} buckets. ${[...b.tableBuckets.arns, ...b.tables.arns, ...b.buckets.arns].slice(0, 10).join(', ')}`, SLACK_LIMITS.sectionText) });
  }
  if (alert.previous !== undefined || alert.current !== undefined) {
    blocks.push({ type: 'section', text: plain(`Was: ${JSON.stringify(alert.previous ?? 'unknown')} → now: ${JSON.stringify(alert.current ?? 'unknown')}`, SLACK_LIMITS.sectionText) });
  }
  if (alert.repeatsSince) blocks.push({ type: 'section', text: plain(`And ${alert.repeatsSince.count} more since ${alert.repeatsSince.since} (counted, not sent)`, SLACK_LIMITS.sectionText) });
  const occurrences = occurrencesText(alert);
  if (occurrences) blocks.push({ type: 'section', text: plain(occurrences, SLACK_LIMITS.sectionText) });
  if (alert.runbook) blocks.push({ type: 'section', text: plain(`Runbook:\n${alert.runbook}`, SLACK_LIMITS.sectionText) });
  blocks.push({ type: 'context', elements: [plain(`event ${alert.eventId} · alert ${alert.alertId}${alert.truncated ? ` · truncated: ${alert.truncated.join(', ')}` : ''}`, SLACK_LIMITS.field)] });
  const buttons = alert.links.filter((l) => l.url.length <= SLACK_LIMITS.url && /^https:\/\//.test(l.url)).slice(0, 5);
  if (buttons.length) {
    blocks.push({ type: 'actions', elements: buttons.map((link, i) => ({ type: 'button', action_id: `link-${i}`, text: plain(link.label, SLACK_LIMITS.buttonText), url: link.url })) });
  }
  const count = alert.occurrences ? ` (×${alert.occurrences.count})` : alert.repeatsSince ? ` (and ${alert.repeatsSince.count} more since ${alert.repeatsSince.since})` : '';
  return {
    text: slackMrkdwn(`[${alert.severity}] ${alert.title}${count}: ${alert.summary} (${alert.account}, ${alert.region})`, SLACK_LIMITS.fallback),
    attachments: [{ color: COLOURS[alert.severity] ?? '#8a8a8a', blocks: blocks.slice(0, SLACK_LIMITS.blocks) as KnownBlock[] }],
    unfurl_links: false,
    unfurl_media: false,
  };
}
