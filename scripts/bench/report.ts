/** Collects benchmark rows, prints them as a table and renders them as Markdown. */
import { cpus, totalmem } from 'node:os';
import { fmt, type Summary } from './stats.ts';

export interface Row {
  readonly section: string;
  readonly name: string;
  readonly unit: string;
  readonly summary: Summary;
  readonly note?: string;
}

export interface Ratio {
  readonly section: string;
  readonly name: string;
  readonly value: number;
  /** The target it is held against, in words, e.g. "≥ 1.5". */
  readonly target?: string;
  readonly met?: boolean;
}

export class Report {
  readonly rows: Row[] = [];
  readonly ratios: Ratio[] = [];

  add(row: Row): void {
    this.rows.push(row);
    const s = row.summary;
    process.stdout.write(`${row.section.padEnd(12)} ${row.name.padEnd(44)} median ${fmt(s.median).padStart(9)} ${row.unit.padEnd(6)} min ${fmt(s.min)} max ${fmt(s.max)} (n=${s.n})${row.note === undefined ? '' : `  ${row.note}`}\n`);
  }

  ratio(r: Ratio): void {
    this.ratios.push(r);
    const verdict = r.met === undefined ? '' : r.met ? '  target met' : '  TARGET MISSED';
    process.stdout.write(`${r.section.padEnd(12)} ${r.name.padEnd(44)} ratio  ${ratioText(r)}${r.target === undefined ? '' : ` (target ${r.target})`}${verdict}\n`);
  }

  static machine(): string {
    const cpu = cpus();
    return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`;
  }

  markdown(title: string): string {
    const lines = [`# ${title}`, '', `Machine: ${Report.machine()}.`, `Run: ${new Date().toISOString()}, \`npm run bench\`.`, ''];
    const sections = [...new Set([...this.rows.map((r) => r.section), ...this.ratios.map((r) => r.section)])];
    for (const section of sections) {
      lines.push(`## ${section}`, '', '| measure | median | min | max | unit | runs | note |', '| --- | ---: | ---: | ---: | --- | ---: | --- |');
      for (const r of this.rows.filter((x) => x.section === section)) {
        lines.push(`| ${r.name} | ${fmt(r.summary.median)} | ${fmt(r.summary.min)} | ${fmt(r.summary.max)} | ${r.unit} | ${r.summary.n} | ${r.note ?? ''} |`);
      }
      const ratios = this.ratios.filter((x) => x.section === section);
      if (ratios.length > 0) {
        lines.push('', '| ratio | value | target | met |', '| --- | ---: | --- | --- |');
        for (const r of ratios) lines.push(`| ${r.name} | ${ratioText(r)} | ${r.target ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : 'no'} |`);
      }
      lines.push('');
    }
    return lines.join('\n');
  }
}

/**
 * Two decimals, or three where two would round a miss onto its threshold (0.946 against "≥ 0.95" must not read
 * "0.95, no").
 */
function ratioText(r: Ratio): string {
  const threshold = Number(/[\d.]+/.exec(r.target ?? '')?.[0]);
  const close = Number.isFinite(threshold) && Math.abs(r.value - threshold) < 0.005;
  return fmt(r.value, close ? 3 : 2);
}
