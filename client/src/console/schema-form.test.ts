import { describe, expect, it } from 'vitest';
import { MECHANISMS, findMechanism } from '../../../mechanisms/registry.ts';
import { settingsOf } from '../../../server/console-api.ts';
import { currentValue, fieldsOf, issuesByField, parseNumber, parseRow, rangeWords, valueWords, withValue, wordsOf, type Field, type JsonSchema } from './schema-form.ts';

const schemaOf = (id: string) => settingsOf(findMechanism(id) as NonNullable<ReturnType<typeof findMechanism>>).schema as JsonSchema;
const field = (fields: readonly Field[], key: string) => fields.find((f) => f.path.join('.') === key) as Field;

describe('the session form from a config schema', () => {
  const market = fieldsOf(schemaOf('double-auction'));

  it('gives each field its label, unit, range, default and help from the schema', () => {
    expect(field(market, 'periods')).toMatchObject({ kind: 'number', label: 'Periods', unit: 'periods', integer: true, default: 3, bounds: { min: 1, max: 1_000_000 } });
    expect(field(market, 'periodMs')).toMatchObject({ label: 'Period length', unit: 'ms', default: 180_000 });
    expect(field(market, 'periodMs').help).toMatch(/trading period/);
    expect(field(market, 'revealSchedules')).toMatchObject({ kind: 'choice', options: ['never', 'afterPeriod', 'afterMarket'], default: 'afterMarket' });
    expect(field(market, 'allowLoss')).toMatchObject({ kind: 'boolean', default: false });
    expect(field(market, 'maxPrice')).toMatchObject({ kind: 'number', bounds: { min: 0, max: null, above: true } });
  });

  it('makes a value schedule of a count-or-rows side, and a distribution of values', () => {
    expect(field(market, 'buyers')).toMatchObject({ kind: 'schedule', label: 'Buyers', count: { min: 1, max: 100 }, rows: 100, units: 100, unitBounds: { min: 0 } });
    const values = field(market, 'values');
    expect(values.kind).toBe('distribution');
    if (values.kind === 'distribution') {
      expect(values.options.map((o) => o.kind)).toEqual(['uniform', 'uniformInt', 'discrete']);
      expect(values.options[1]?.fields.map((f) => f.label)).toEqual(['Lowest', 'Highest']);
      expect(values.number).toBeNull();
    }
  });

  it('makes groups of nested objects, optional stages and lists of choices', () => {
    const communication = field(market, 'communication');
    expect(communication).toMatchObject({ kind: 'group', nullable: false, label: 'Communication' });
    if (communication.kind === 'group') expect(field(communication.fields, 'communication.channels')).toMatchObject({ kind: 'choices', options: ['public', 'private', 'coalition'] });
    const pg = fieldsOf(schemaOf('public-goods'));
    expect(field(pg, 'punishment')).toMatchObject({ kind: 'group', nullable: true, label: 'Punishment stage' });
    expect(field(pg, 'mpcr')).toMatchObject({ kind: 'number', label: 'MPCR', integer: false, bounds: { min: 0, max: 10 } });
    expect(field(pg, 'roundMs')).toMatchObject({ kind: 'number', nullable: true });
    // A number for everyone, or a distribution to draw from.
    expect(field(pg, 'endowment')).toMatchObject({ kind: 'distribution', number: { min: 0, max: 1_000_000 } });
    expect(field(fieldsOf(schemaOf('first-price')), 'reserve')).toMatchObject({ label: 'Reserve price', unit: 'points' });
  });

  it('reads every mechanism\'s schema into fields, each labelled', () => {
    for (const m of MECHANISMS) {
      const fields = fieldsOf(settingsOf(m).schema as JsonSchema);
      expect(fields.length, m.id).toBeGreaterThan(0);
      for (const f of fields) expect(f.label, `${m.id}.${f.path.join('.')}`).not.toBe('');
    }
    expect(wordsOf('maxOpenOrdersPerTrader')).toBe('Max open orders per trader');
  });
});

describe('values typed into the form', () => {
  const market = fieldsOf(schemaOf('double-auction'));
  const periodMs = field(market, 'periodMs') as Extract<Field, { kind: 'number' }>;
  const periods = field(market, 'periods') as Extract<Field, { kind: 'number' }>;

  it('are read in the shown unit (seconds for ms) and refused in plain words outside the range', () => {
    expect(parseNumber(periodMs, '90')).toEqual({ ok: true, value: 90_000 });
    expect(parseNumber(periods, '0')).toEqual({ ok: false, message: 'must be from 1 to 1000000' });
    expect(parseNumber(periods, '2.5')).toEqual({ ok: false, message: 'give a whole number' });
    expect(parseNumber(periods, '')).toEqual({ ok: false, message: 'give a number' });
    expect(rangeWords(periodMs.bounds, 'ms')).toBe('from 0.001 to 86400');
  });

  it('schedule rows as numbers, or what is wrong with them', () => {
    const bounds = { min: 0, max: null, above: false };
    expect(parseRow('120, 100 80', bounds, 100)).toEqual({ ok: true, units: [120, 100, 80] });
    expect(parseRow('120, -5', bounds, 100)).toEqual({ ok: false, message: '-5 is below 0' });
    expect(parseRow('12a', bounds, 100)).toEqual({ ok: false, message: "'12a' is not a number" });
    expect(parseRow('', bounds, 100)).toEqual({ ok: false, message: 'give at least one number' });
  });

  it('set nested values without touching the rest, and fall back to the default', () => {
    const config = { periods: 2, communication: { channels: ['public'] } };
    expect(withValue(config, ['communication', 'maxLength'], 100)).toEqual({ periods: 2, communication: { channels: ['public'], maxLength: 100 } });
    expect(config.communication).toEqual({ channels: ['public'] });
    expect(currentValue(field(market, 'tick'), config)).toBe(1);
    expect(currentValue(field(market, 'periods'), config)).toBe(2);
    expect(valueWords(180_000, 'ms')).toBe('180 seconds');
    expect(valueWords({ kind: 'uniformInt', low: 0, high: 200 })).toBe('drawn from 0 to 200 (whole numbers)');
  });

  it("put the server's issues beside their fields", () => {
    const { byField, other } = issuesByField(
      [
        { path: 'config.buyers.1.0', message: 'Too small' },
        { path: 'config.communication.maxLength', message: 'Too big' },
        { path: 'seats', message: 'takes 4 to 4 seats' },
      ],
      market,
    );
    expect(Object.fromEntries(byField)).toEqual({ buyers: ['Too small'], 'communication.maxLength': ['Too big'] });
    expect(other).toEqual([{ path: 'seats', message: 'takes 4 to 4 seats' }]);
  });
});
