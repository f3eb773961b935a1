// A typed client for the parts of Prometheus' HTTP API the stack and the e2e tests read
// (https://prometheus.io/docs/prometheus/latest/querying/api/). Errors carry the query and Prometheus'
// own error text, so a failing panel query says which query and why.

export interface InstantSample {
  readonly metric: Readonly<Record<string, string>>;
  /** Unix seconds and the value, as Prometheus returns them. */
  readonly value: readonly [number, string];
}

export interface RangeSeries {
  readonly metric: Readonly<Record<string, string>>;
  readonly values: readonly (readonly [number, string])[];
}

export type QueryResult =
  | { readonly resultType: 'vector'; readonly result: readonly InstantSample[] }
  | { readonly resultType: 'scalar'; readonly result: readonly [number, string] }
  | { readonly resultType: 'matrix'; readonly result: readonly RangeSeries[] }
  | { readonly resultType: 'string'; readonly result: readonly [number, string] };

export interface PrometheusAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly state: 'pending' | 'firing';
  readonly activeAt: string;
  readonly value: string;
}

export interface RuleGroupStatus {
  readonly name: string;
  readonly file: string;
  readonly rules: readonly {
    readonly name: string;
    readonly type: 'alerting' | 'recording';
    readonly health: string;
    readonly lastError?: string;
    readonly query: string;
  }[];
}

export interface TargetStatus {
  readonly labels: Readonly<Record<string, string>>;
  readonly scrapeUrl: string;
  readonly health: 'up' | 'down' | 'unknown';
  readonly lastError: string;
  readonly lastScrape: string;
}

type ApiEnvelope<T> = { status: 'success'; data: T; warnings?: string[] } | { status: 'error'; errorType: string; error: string };

export class PrometheusQueryError extends Error {
  constructor(
    readonly query: string,
    readonly detail: string,
  ) {
    super(`Prometheus rejected the query: ${detail}\n  query: ${query}`);
    this.name = 'PrometheusQueryError';
  }
}

export class PrometheusApi {
  constructor(readonly url: string) {}

  async #get<T>(path: string, params: Record<string, string>, query = ''): Promise<T> {
    const response = await fetch(`${this.url}${path}?${new URLSearchParams(params)}`, { signal: AbortSignal.timeout(30_000) });
    const body = (await response.json()) as ApiEnvelope<T>;
    if (body.status === 'error') throw new PrometheusQueryError(query || path, `${body.errorType}: ${body.error}`);
    return body.data;
  }

  /** An instant query at `time` (unix seconds; default now). */
  query(expr: string, time?: number): Promise<QueryResult> {
    const params: Record<string, string> = { query: expr };
    if (time !== undefined) params.time = String(time);
    return this.#get('/api/v1/query', params, expr);
  }

  /** An instant query that must return a vector (what every panel and rule query returns). */
  async vector(expr: string, time?: number): Promise<readonly InstantSample[]> {
    const result = await this.query(expr, time);
    if (result.resultType !== 'vector') throw new PrometheusQueryError(expr, `expected a vector, got a ${result.resultType}`);
    return result.result;
  }

  /** A range query as Grafana sends it for a time-series panel. */
  async range(expr: string, start: number, end: number, stepSeconds: number): Promise<readonly RangeSeries[]> {
    const result = await this.#get<QueryResult>(
      '/api/v1/query_range',
      { query: expr, start: String(start), end: String(end), step: String(stepSeconds) },
      expr,
    );
    if (result.resultType !== 'matrix') throw new PrometheusQueryError(expr, `expected a matrix, got a ${result.resultType}`);
    return result.result;
  }

  async alerts(): Promise<readonly PrometheusAlert[]> {
    return (await this.#get<{ alerts: PrometheusAlert[] }>('/api/v1/alerts', {})).alerts;
  }

  async ruleGroups(): Promise<readonly RuleGroupStatus[]> {
    return (await this.#get<{ groups: RuleGroupStatus[] }>('/api/v1/rules', {})).groups;
  }

  async targets(): Promise<readonly TargetStatus[]> {
    return (await this.#get<{ activeTargets: TargetStatus[] }>('/api/v1/targets', { state: 'active' })).activeTargets;
  }
}

/** The numeric value of a sample. */
export const sampleValue = (sample: InstantSample): number => Number(sample.value[1]);
