/**
 * Metric storage and statistics. A metric is identified, as in CloudWatch, by namespace, name and
 * its exact set of dimensions; data is kept per metric at one-second resolution (count, sum, min,
 * max and the raw values, so percentiles are exact), per unit.
 */
export interface Dimension {
  Name: string;
  Value: string;
}

export interface MetricId {
  namespace: string;
  name: string;
  dimensions: Dimension[];
}

/** One datum: raw values (with counts) or a statistic set. */
export interface Datum {
  timestamp: number;
  unit?: string;
  values?: number[];
  counts?: number[];
  statisticSet?: { sampleCount: number; sum: number; minimum: number; maximum: number };
}

export interface Cell {
  /** Start of the second, ms since the epoch. */
  t: number;
  unit: string;
  count: number;
  sum: number;
  min: number;
  max: number;
  values: number[];
  weights: number[];
}

interface Series {
  id: MetricId;
  cells: Map<string, Cell>;
  /** Bumped on every write: alarms use it to notice new data. */
  version: number;
}

export const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;
const PERCENTILE = /^p(\d{1,2}(\.\d+)?|100(\.0+)?)$/;

export function isPercentile(stat: string): boolean {
  return PERCENTILE.test(stat);
}

export function metricKey(id: MetricId): string {
  const dims = [...id.dimensions].sort((a, b) => a.Name.localeCompare(b.Name)).map((d) => `${d.Name}=${d.Value}`);
  return `${id.namespace}\u0000${id.name}\u0000${dims.join('\u0001')}`;
}

export class MetricStore {
  readonly #series = new Map<string, Series>();

  put(id: MetricId, datum: Datum): void {
    const key = metricKey(id);
    let series = this.#series.get(key);
    if (!series) {
      series = { id: { ...id, dimensions: id.dimensions.map((d) => ({ ...d })) }, cells: new Map(), version: 0 };
      this.#series.set(key, series);
    }
    const t = Math.floor(datum.timestamp / 1000) * 1000;
    const unit = datum.unit ?? 'None';
    const cellKey = `${t}|${unit}`;
    let cell = series.cells.get(cellKey);
    if (!cell) {
      cell = { t, unit, count: 0, sum: 0, min: Infinity, max: -Infinity, values: [], weights: [] };
      series.cells.set(cellKey, cell);
    }
    if (datum.statisticSet) {
      const s = datum.statisticSet;
      cell.count += s.sampleCount;
      cell.sum += s.sum;
      cell.min = Math.min(cell.min, s.minimum);
      cell.max = Math.max(cell.max, s.maximum);
    } else {
      (datum.values ?? []).forEach((value, i) => {
        const weight = datum.counts?.[i] ?? 1;
        cell.count += weight;
        cell.sum += value * weight;
        cell.min = Math.min(cell.min, value);
        cell.max = Math.max(cell.max, value);
        cell.values.push(value);
        cell.weights.push(weight);
      });
    }
    series.version += 1;
  }

  /** The write counter of a metric (0 when it has no data). */
  version(id: MetricId): number {
    return this.#series.get(metricKey(id))?.version ?? 0;
  }

  /** Cells of exactly this metric with start ≤ t < end, optionally of one unit. */
  cells(id: MetricId, start: number, end: number, unit?: string): Cell[] {
    const series = this.#series.get(metricKey(id));
    if (!series) return [];
    const out: Cell[] = [];
    for (const cell of series.cells.values()) {
      if (cell.t >= start && cell.t < end && (unit === undefined || cell.unit === unit)) out.push(cell);
    }
    return out;
  }

  list(filter: { namespace?: string; name?: string; dimensions?: Array<{ Name: string; Value?: string }> }): MetricId[] {
    return [...this.#series.values()]
      .map((s) => s.id)
      .filter(
        (id) =>
          (filter.namespace === undefined || id.namespace === filter.namespace) &&
          (filter.name === undefined || id.name === filter.name) &&
          (filter.dimensions ?? []).every((f) => id.dimensions.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value))),
      );
  }
}

/** A statistic over cells; undefined when there is no data (or no raw values, for a percentile). */
export function statistic(cells: Cell[], stat: string): number | undefined {
  const count = cells.reduce((n, c) => n + c.count, 0);
  if (cells.length === 0 || count === 0) return undefined;
  switch (stat) {
    case 'SampleCount':
      return count;
    case 'Sum':
      return cells.reduce((n, c) => n + c.sum, 0);
    case 'Average':
      return cells.reduce((n, c) => n + c.sum, 0) / count;
    case 'Minimum':
      return cells.reduce((m, c) => Math.min(m, c.min), Infinity);
    case 'Maximum':
      return cells.reduce((m, c) => Math.max(m, c.max), -Infinity);
  }
  if (!isPercentile(stat)) return undefined;
  const pairs: Array<[number, number]> = [];
  for (const c of cells) c.values.forEach((v, i) => pairs.push([v, c.weights[i]!]));
  if (pairs.length === 0) return undefined;
  pairs.sort((a, b) => a[0] - b[0]);
  const total = pairs.reduce((n, [, w]) => n + w, 0);
  const rank = Math.max(1, Math.ceil((Number(stat.slice(1)) / 100) * total));
  let seen = 0;
  for (const [value, weight] of pairs) {
    seen += weight;
    if (seen >= rank) return value;
  }
  return pairs[pairs.length - 1]![0];
}

/** Splits [start, end) into period buckets aligned to multiples of the period, with their cells. */
export function alignedBuckets(store: MetricStore, id: MetricId, start: number, end: number, periodS: number, unit?: string): Array<{ t: number; cells: Cell[] }> {
  const p = periodS * 1000;
  const byBucket = new Map<number, Cell[]>();
  for (const cell of store.cells(id, Math.floor(start / p) * p, end, unit)) {
    const t = Math.floor(cell.t / p) * p;
    let list = byBucket.get(t);
    if (!list) byBucket.set(t, (list = []));
    list.push(cell);
  }
  return [...byBucket.entries()].map(([t, cells]) => ({ t, cells })).sort((a, b) => a.t - b.t);
}
