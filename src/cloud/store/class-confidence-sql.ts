import type { ClassConfidence } from './store.ts';
import { HIST_BINS } from './sql.ts';
import { text, type Row } from './rows.ts';

/** The select list summing per-class count, count x mean and each histogram bin, per dialect. */
export function classConfidenceColumns(dialect: 'sqlite' | 'postgres'): string {
  const field = (path: string): string =>
    dialect === 'sqlite' ? `json_extract(j.value, '$.${path}')` : `(j.value #>> '{${path.replace(/\[(\d+)\]/, ',$1')}}')::float8`;
  const cols = [
    `SUM(${field('count')}) AS n`,
    `SUM(${field('count')} * ${field('meanScore')}) AS wsum`,
  ];
  for (let b = 0; b < HIST_BINS; b++) cols.push(`SUM(${field(`hist[${b}]`)}) AS h${b}`);
  return cols.join(', ');
}

export function toClassConfidence(rows: readonly Row[]): ClassConfidence[] {
  return rows
    .map((row) => {
      const count = Number(row['n']);
      const hist: number[] = [];
      for (let b = 0; b < HIST_BINS; b++) hist.push(Number(row[`h${b}`]));
      return { label: text(row['label']), count, meanScore: count === 0 ? 0 : Number(row['wsum']) / count, hist };
    })
    .sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}
