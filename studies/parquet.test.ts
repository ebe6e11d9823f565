/**
 * The Parquet copies of a results folder, read back with an independent reader (hyparquet):
 * the same rows and columns as the CSV and JSONL files, typed columns, nulls where cells are
 * empty, the study hash and code version in the metadata, hashed in the manifest.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { resolveStudy } from './spec.ts';
import { runStudy } from './runner.ts';
import { csvToParquet, jsonlToParquet, ROW_GROUP_ROWS } from './parquet.ts';
import { tempDir } from '../tests/temp.ts';
import { answer, bidBounds, FakeOpenAI } from '../tests/llm/fake-openai.ts';
import { llmStudy, run as runLlm } from '../tests/llm/helpers.ts';

async function readParquet(path: string) {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
  const kv = Object.fromEntries((metadata.key_value_metadata ?? []).map((e) => [e.key, e.value]));
  const columns = parquetSchema(metadata).children.map((c) => ({ name: c.element.name, type: c.element.type, converted: c.element.converted_type }));
  return { metadata, rows, kv, columns };
}

/** A plain CSV reader for the runner's files, written here so the test does not check the exporter with its own parser. */
function csvTable(path: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  const split = (line: string): string[] => {
    const out: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i] as string;
      if (quoted && c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = !quoted;
      else if (c === ',' && !quoted) {
        out.push(cell);
        cell = '';
      } else cell += c;
    }
    out.push(cell);
    return out;
  };
  const [header, ...rows] = lines.map(split);
  return { header: header as string[], rows };
}

/** What a CSV cell reads as in Parquet: numbers as numbers (whole ones as bigint), empty and NA as null, text as text. */
function expected(cell: string, sample: unknown): unknown {
  if (cell === '' || (cell === 'NA' && typeof sample !== 'string')) return null;
  if (typeof sample === 'bigint') return BigInt(cell);
  if (typeof sample === 'number') return Number(cell);
  if (typeof sample === 'boolean') return cell === 'true';
  return cell;
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('Parquet copies of a results folder', () => {
  it('episodes, rounds and events read back with the CSV/JSONL rows and columns, the study hash and code version in the metadata', async () => {
    const out = join(tempDir('parquet'), 'fp');
    const study = resolveStudy({
      name: 'parquet-fp',
      mechanism: 'first-price@1',
      config: { rounds: 2, values: { kind: 'uniform', low: 0, high: 100 }, reserve: 40 },
      seats: [{ policy: 'equilibrium', count: 4 }],
      episodes: 30,
      seed: 9,
      output: { rounds: true, events: true },
      treatments: [{ name: 'equilibrium' }, { name: 'truthful', seats: [{ policy: 'truthful', count: 4 }] }],
    });
    runStudy(study, { out, code: { version: '9.9.9', commit: 'abc123' } });
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));

    for (const [csv, parquet] of [['episodes.csv', 'episodes.parquet'], ['rounds.csv', 'rounds.parquet']] as const) {
      const table = csvTable(join(out, csv));
      const back = await readParquet(join(out, parquet));
      expect(back.columns.map((c) => c.name)).toEqual(table.header);
      expect(back.rows.length).toBe(table.rows.length);
      // Each column keeps one type: the first non-null value tells which.
      const samples = table.header.map((name) => back.rows.map((r) => r[name]).find((v) => v !== null));
      table.rows.forEach((cells, i) => {
        const row = back.rows[i] as Record<string, unknown>;
        table.header.forEach((name, j) => expect(row[name], `${parquet} row ${i} ${name}`).toEqual(expected(cells[j] as string, samples[j])));
      });
      expect(back.kv['arena.study_hash']).toBe(manifest.studyHash);
      expect(back.kv['arena.code_version']).toBe('9.9.9');
      expect(back.kv['arena.code_commit']).toBe('abc123');
      expect(back.kv['arena.source_sha256']).toBe(manifest.files[csv]);
      expect(manifest.files[parquet]).toBe(sha256(join(out, parquet)));
    }
    const episodes = await readParquet(join(out, 'episodes.parquet'));
    const type = (name: string) => episodes.columns.find((c) => c.name === name);
    expect(type('treatment')).toMatchObject({ type: 'BYTE_ARRAY', converted: 'UTF8' });
    expect(type('episode')?.type).toBe('INT64');
    expect(type('revenue')?.type).toBe('DOUBLE');
    // A reserve leaves items unsold: the winner column is empty there, and null in Parquet.
    const rounds = await readParquet(join(out, 'rounds.parquet'));
    expect(rounds.rows.some((r) => r['player.winner'] === null)).toBe(true);

    const lines = readFileSync(join(out, 'events.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const events = await readParquet(join(out, 'events.parquet'));
    expect(events.rows.length).toBe(lines.length);
    expect(events.columns.map((c) => c.name)).toEqual(Object.keys(lines[0] as object));
    lines.forEach((line, i) => {
      const row = events.rows[i] as Record<string, unknown>;
      expect(row.match).toBe(line.match);
      expect(Number(row.seq)).toBe(line.seq);
      expect(row.seat).toBe(line.seat ?? null);
      expect(row.hash).toBe(line.hash);
      // Nested values are JSON text.
      expect(JSON.parse(row.data as string)).toEqual(line.data);
    });
    expect(events.kv['arena.study_hash']).toBe(manifest.studyHash);
  });

  it('llm-calls.parquet holds one row per LLM call of llm-transcript.jsonl', async () => {
    const fake = await new FakeOpenAI((req) => answer({ type: 'bid', amount: Math.round(bidBounds(req).max * 40) / 100 })).start();
    try {
      const ran = await runLlm(llmStudy(fake.baseURL));
      const calls = await readParquet(join(ran.out, 'llm-calls.parquet'));
      expect(calls.rows.length).toBe(ran.transcript.length);
      expect(calls.rows.length).toBeGreaterThan(0);
      calls.rows.forEach((row, i) => {
        const line = ran.transcript[i] as Record<string, unknown>;
        expect(row.match).toBe(line.match);
        expect(row.model).toBe(line.model);
        expect(Number(row.promptTokens)).toBe(line.promptTokens);
        expect(JSON.parse(row.messages as string)).toEqual(line.messages);
      });
      expect(calls.kv['arena.source']).toBe('llm-transcript.jsonl');
    } finally {
      await fake.close();
    }
  });

  it('types columns from every cell: booleans, nulls for empty and NA, text with quotes and newlines, JSON for nested and mixed values', async () => {
    const dir = tempDir('parquet-types');
    const csv = join(dir, 'cells.csv');
    writeFileSync(csv, 'n,x,flag,label,mixed\n1,0.5,true,"a ""quoted"", text",7\n,NA,false,"two\nlines",x\n3,,true,,\n');
    const written = csvToParquet(csv, join(dir, 'cells.parquet'), [{ key: 'arena.study_hash', value: 'h' }]);
    expect(written).toMatchObject({ rows: 3, columns: 5 });
    const back = await readParquet(join(dir, 'cells.parquet'));
    expect(back.columns.map((c) => c.type)).toEqual(['INT64', 'DOUBLE', 'BOOLEAN', 'BYTE_ARRAY', 'BYTE_ARRAY']);
    expect(back.rows).toEqual([
      { n: 1n, x: 0.5, flag: true, label: 'a "quoted", text', mixed: '7' },
      { n: null, x: null, flag: false, label: 'two\nlines', mixed: 'x' },
      { n: 3n, x: null, flag: true, label: null, mixed: null },
    ]);

    const jsonl = join(dir, 'calls.jsonl');
    writeFileSync(jsonl, [{ seat: 'p0', tokens: 12, ok: true, action: { type: 'bid', amount: 3 } }, { seat: 'p1', tokens: 7.5, ok: false, action: null, extra: 'only here' }].map((l) => JSON.stringify(l)).join('\n') + '\n');
    jsonlToParquet(jsonl, join(dir, 'calls.parquet'), []);
    const calls = await readParquet(join(dir, 'calls.parquet'));
    expect(calls.columns.map((c) => [c.name, c.type])).toEqual([['seat', 'BYTE_ARRAY'], ['tokens', 'DOUBLE'], ['ok', 'BOOLEAN'], ['action', 'BYTE_ARRAY'], ['extra', 'BYTE_ARRAY']]);
    expect(calls.rows).toEqual([
      { seat: 'p0', tokens: 12, ok: true, action: '{"type":"bid","amount":3}', extra: null },
      { seat: 'p1', tokens: 7.5, ok: false, action: null, extra: 'only here' },
    ]);
  });

  it('writes a long CSV in row groups, streaming', async () => {
    const dir = tempDir('parquet-long');
    const csv = join(dir, 'long.csv');
    const n = ROW_GROUP_ROWS * 2 + 17;
    let text = 'i,x,t\n';
    for (let i = 0; i < n; i++) text += `${i},${i / 7},${i % 3 === 0 ? '' : `s${i % 5}`}\n`;
    writeFileSync(csv, text);
    csvToParquet(csv, join(dir, 'long.parquet'), []);
    const back = await readParquet(join(dir, 'long.parquet'));
    expect(back.metadata.row_groups.length).toBe(3);
    expect(back.rows.length).toBe(n);
    expect(back.rows[n - 1]).toEqual({ i: BigInt(n - 1), x: (n - 1) / 7, t: (n - 1) % 3 === 0 ? null : `s${(n - 1) % 5}` });
  });
});
