// The queues currently exported (after filters and the cap), shared by the collectors: the catalog
// collector replaces it, the others read it, and the snapshot store hides series of queues not in it.

import { isMediaType, type MediaType } from '../../metrics/vocabulary.ts';

/** Routing's queue settings call voice `call`; analytics and the metrics say `voice`. */
export function mediaTypeOfSetting(settingKey: string): MediaType | undefined {
  const media = settingKey === 'call' ? 'voice' : settingKey;
  return isMediaType(media) ? media : undefined;
}

export interface ServiceLevelTarget {
  /** Share of contacts to answer within `seconds` (0–1). */
  readonly ratio: number | undefined;
  readonly seconds: number | undefined;
}

export interface ExportedQueue {
  readonly id: string;
  readonly name: string;
  readonly divisionId: string;
  readonly divisionName: string;
  /** Media types configured on the queue, with their service-level target. */
  readonly serviceLevels: ReadonlyMap<MediaType, ServiceLevelTarget>;
}

export class QueueDirectory {
  #queues: readonly ExportedQueue[] = [];
  #byId = new Map<string, ExportedQueue>();
  #loaded = false;
  #problem: string | undefined;

  /**
   * `problem`: why the selection cannot be trusted to watch what the operator meant (no queue matches,
   * an unknown division); the exporter reports not ready with it until a refresh clears it.
   */
  replace(queues: readonly ExportedQueue[], problem?: string): void {
    this.#queues = queues;
    this.#byId = new Map(queues.map((queue) => [queue.id, queue]));
    this.#loaded = true;
    this.#problem = problem;
  }

  get loaded(): boolean {
    return this.#loaded;
  }

  get problem(): string | undefined {
    return this.#problem;
  }

  /** Whether the queue is exported now (the cap keeps these in place). */
  has(id: string): boolean {
    return this.#byId.has(id);
  }

  all(): readonly ExportedQueue[] {
    return this.#queues;
  }

  get(id: string): ExportedQueue | undefined {
    return this.#byId.get(id);
  }

  /** A series for (id, name) may be served only while the queue is exported under that name. */
  exports(id: string, name: string): boolean {
    return this.#byId.get(id)?.name === name;
  }
}
