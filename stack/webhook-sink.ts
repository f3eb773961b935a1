// A local stand-in for PagerDuty and Slack: an HTTP server that accepts what Alertmanager sends to them —
// PagerDuty Events API v2 (`POST /v2/enqueue`, answered 202 like PagerDuty) and Slack incoming webhooks
// (answered 200 "ok") — checks the request shape the real services require, logs one line per
// notification and records it for assertions. Routing keys and webhook paths are secrets in production:
// they are recorded (tests check the secret files were read) but never logged.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { LOOPBACK } from './ports.ts';
import { isPlainObject as isRecord } from '../lib/plain-object.ts';

/** https://developer.pagerduty.com/docs/events-api-v2/trigger-events/ (the fields Alertmanager sends). */
export interface PagerDutyEvent {
  readonly routing_key: string;
  readonly event_action: 'trigger' | 'acknowledge' | 'resolve';
  readonly dedup_key?: string;
  readonly payload?: {
    readonly summary: string;
    readonly source: string;
    readonly severity: 'critical' | 'error' | 'warning' | 'info';
    readonly component?: string;
    readonly group?: string;
    readonly class?: string;
    readonly custom_details?: Readonly<Record<string, unknown>>;
  };
  readonly client?: string;
  readonly client_url?: string;
}

/** https://api.slack.com/messaging/webhooks (the fields Alertmanager sends). */
export interface SlackMessage {
  readonly channel?: string;
  readonly username?: string;
  readonly text?: string;
  readonly attachments?: readonly {
    readonly title?: string;
    readonly text?: string;
    readonly fallback?: string;
    readonly color?: string;
    readonly [field: string]: unknown;
  }[];
}

export type Notification =
  | { readonly kind: 'pagerduty'; readonly receivedAt: Date; readonly path: string; readonly event: PagerDutyEvent }
  | { readonly kind: 'slack'; readonly receivedAt: Date; readonly path: string; readonly message: SlackMessage };

/** Paths the sink serves; the stack points Alertmanager's receivers at them. */
export const PAGERDUTY_PATH = '/pagerduty/v2/enqueue';
export const SLACK_PATH_PREFIX = '/slack/';

const PAGERDUTY_ACTIONS = new Set(['trigger', 'acknowledge', 'resolve']);
const PAGERDUTY_SEVERITIES = new Set(['critical', 'error', 'warning', 'info']);

/** The problems PagerDuty would report for this body (empty: valid). */
export function pagerDutyProblems(body: unknown): string[] {
  if (!isRecord(body)) return ['the body is not a JSON object'];
  const problems: string[] = [];
  if (typeof body.routing_key !== 'string' || body.routing_key.length === 0) problems.push("'routing_key' is missing or empty");
  if (typeof body.event_action !== 'string' || !PAGERDUTY_ACTIONS.has(body.event_action))
    problems.push("'event_action' must be trigger, acknowledge or resolve");
  if (body.event_action === 'trigger') {
    const payload = body.payload;
    if (!isRecord(payload)) problems.push("'payload' is required for trigger events");
    else {
      if (typeof payload.summary !== 'string' || payload.summary.length === 0) problems.push("'payload.summary' is missing");
      else if (payload.summary.length > 1024) problems.push("'payload.summary' is longer than 1024 characters");
      if (typeof payload.source !== 'string' || payload.source.length === 0) problems.push("'payload.source' is missing");
      if (typeof payload.severity !== 'string' || !PAGERDUTY_SEVERITIES.has(payload.severity))
        problems.push("'payload.severity' must be critical, error, warning or info");
    }
  } else if (typeof body.dedup_key !== 'string' || body.dedup_key.length === 0) {
    problems.push(`'dedup_key' is required for ${String(body.event_action)} events`);
  }
  return problems;
}

/** The problem Slack would report for this body, or undefined when it is a postable message. */
export function slackProblem(body: unknown): string | undefined {
  if (!isRecord(body)) return 'invalid_payload';
  const hasText = typeof body.text === 'string' && body.text.length > 0;
  const hasAttachments = Array.isArray(body.attachments) && body.attachments.length > 0;
  return hasText || hasAttachments ? undefined : 'no_text';
}

export interface WebhookSink {
  readonly url: string;
  readonly pagerDutyUrl: string;
  /** A Slack webhook URL on the sink; `name` ends up in the path like a real webhook's secret path. */
  slackUrl(name: string): string;
  readonly notifications: readonly Notification[];
  readonly pagerDutyEvents: readonly PagerDutyEvent[];
  readonly slackMessages: readonly SlackMessage[];
  /** Requests the sink rejected, with the reason, so a test can say "Alertmanager sent a malformed event". */
  readonly rejected: readonly { readonly path: string; readonly reason: string }[];
  close(): Promise<void>;
}

export interface WebhookSinkOptions {
  readonly port?: number;
  /** One line per notification; default: none. */
  readonly log?: (line: string) => void;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function reply(response: ServerResponse, status: number, body: string, type = 'application/json'): void {
  response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

export async function startWebhookSink(options: WebhookSinkOptions = {}): Promise<WebhookSink> {
  const notifications: Notification[] = [];
  const rejected: { path: string; reason: string }[] = [];
  const log = options.log ?? (() => {});

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (request.method !== 'POST') return reply(response, 405, '{"message":"method not allowed"}');
    const text = await readBody(request);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (path === PAGERDUTY_PATH) {
      const problems = pagerDutyProblems(body);
      if (problems.length > 0) {
        rejected.push({ path, reason: problems.join('; ') });
        return reply(response, 400, JSON.stringify({ status: 'invalid event', message: 'Event object is invalid', errors: problems }));
      }
      const event = body as PagerDutyEvent;
      notifications.push({ kind: 'pagerduty', receivedAt: new Date(), path, event });
      log(`pagerduty ${event.event_action} ${event.payload?.severity ?? ''} ${event.payload?.summary ?? event.dedup_key ?? ''}`.trim());
      return reply(response, 202, JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: event.dedup_key ?? '' }));
    }
    if (path.startsWith(SLACK_PATH_PREFIX)) {
      const problem = slackProblem(body);
      if (problem !== undefined) {
        rejected.push({ path, reason: problem });
        return reply(response, 400, problem, 'text/plain');
      }
      const message = body as SlackMessage;
      notifications.push({ kind: 'slack', receivedAt: new Date(), path, message });
      const first = message.attachments?.[0];
      log(`slack ${message.channel ?? ''} ${first?.title ?? message.text ?? ''}`.replace(/\s+/g, ' ').trim());
      return reply(response, 200, 'ok', 'text/plain');
    }
    rejected.push({ path, reason: 'unknown path' });
    return reply(response, 404, '{"message":"not found"}');
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => reply(response, 500, JSON.stringify({ message: String(error) })));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LOOPBACK, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('webhook sink: no TCP address');
  const url = `http://${LOOPBACK}:${address.port}`;

  return {
    url,
    pagerDutyUrl: url + PAGERDUTY_PATH,
    slackUrl: (name) => `${url}${SLACK_PATH_PREFIX}${encodeURIComponent(name)}`,
    notifications,
    get pagerDutyEvents() {
      return notifications.flatMap((n) => (n.kind === 'pagerduty' ? [n.event] : []));
    },
    get slackMessages() {
      return notifications.flatMap((n) => (n.kind === 'slack' ? [n.message] : []));
    },
    rejected,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
