/**
 * Everything in an alert that comes from an event (bucket and key names, session names, user agents, policy text) is
 * attacker-controlled. These helpers make it inert for the place it goes.
 */

// C0/C1 controls and the bidirectional overrides that let text display in another order than it reads
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Strips control characters, folds newlines and tabs to spaces, and caps the length (with an ellipsis). */
export function clean(text: string, limit: number, keepNewlines = false): string {
  let value = text.replace(CONTROL, '');
  value = keepNewlines ? value.replace(/\t/g, ' ') : value.replace(/[\r\n\t]+/g, ' ');
  return value.length > limit ? `${value.slice(0, Math.max(0, limit - 1))}…` : value;
}

/**
 * For Slack mrkdwn: Slack's three control characters become entities, so no `<!channel>`, `<@U…>` or `<url|label>`
 * survives; formatting characters lose their effect by a zero-width joiner (Slack has no escape for `*`, `_`, `~`, `` ` ``).
 */
export function slackMrkdwn(text: string, limit: number): string {
  const value = clean(text, limit)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([*_~`])/g, '\u200b$1\u200b');
  if (value.length <= limit) return value;
  // escaping lengthens the text: cut again, never inside an entity
  return `${value.slice(0, limit - 1).replace(/&[a-z]*$/, '')}…`;
}
