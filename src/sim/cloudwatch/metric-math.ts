/**
 * The subset of CloudWatch metric math a canary analysis needs: query ids, numbers, `+ - * /`,
 * parentheses and `FILL(series, value)`. Series combine timestamp by timestamp; a timestamp
 * one side lacks is left out (so `FILL(m5xx, 0)` is how a rate survives a minute without 5xx).
 */
export type Series = Map<number, number>;
type Value = number | Series;

export class MathError extends Error {}

interface Env {
  /** The series (or number) of another query, by id. */
  lookup(id: string): Value;
  /** Every timestamp of the query window, for FILL. */
  grid: number[];
}

function tokenize(text: string): string[] {
  const tokens = text.match(/\s*(\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|[-+*/(),])/gy);
  const joined = (tokens ?? []).join('');
  if (joined.replace(/\s+/g, '') !== text.replace(/\s+/g, '')) throw new MathError(`unexpected character at "${text.slice(joined.length).trim()}"`);
  return (tokens ?? []).map((t) => t.trim());
}

function combine(a: Value, b: Value, op: (x: number, y: number) => number): Value {
  if (typeof a === 'number' && typeof b === 'number') return op(a, b);
  const out: Series = new Map();
  if (typeof a === 'number') for (const [t, y] of b as Series) out.set(t, op(a, y));
  else if (typeof b === 'number') for (const [t, x] of a) out.set(t, op(x, b));
  else for (const [t, x] of a) if (b.has(t)) out.set(t, op(x, b.get(t)!));
  return out;
}

const OPS: Record<string, (x: number, y: number) => number> = { '+': (x, y) => x + y, '-': (x, y) => x - y, '*': (x, y) => x * y, '/': (x, y) => x / y };

/** Evaluate an expression; a result of division by zero is dropped, as CloudWatch does. */
export function evaluate(text: string, env: Env): Value {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const take = (want?: string) => {
    const t = tokens[i++];
    if (t === undefined || (want !== undefined && t !== want)) throw new MathError(`expected ${want ?? 'a value'} but found ${t ?? 'the end'}`);
    return t;
  };
  const primary = (): Value => {
    const t = take();
    if (t === '(') {
      const v = sum();
      take(')');
      return v;
    }
    if (t === '-') return combine(0, primary(), OPS['-']);
    if (/^\d/.test(t)) return Number(t);
    if (t.toUpperCase() === 'FILL' && peek() === '(') {
      take('(');
      const series = sum();
      take(',');
      const fill = sum();
      take(')');
      if (typeof series === 'number' || typeof fill !== 'number') throw new MathError('FILL takes a time series and a number');
      return new Map(env.grid.map((g) => [g, series.get(g) ?? fill]));
    }
    if (/^[A-Za-z]/.test(t) && peek() === '(') throw new MathError(`function ${t} is not modelled by the simulated account (only FILL)`);
    return env.lookup(t);
  };
  const product = (): Value => {
    let v = primary();
    while (peek() === '*' || peek() === '/') {
      const op = OPS[take()];
      v = combine(v, primary(), op);
    }
    return v;
  };
  const sum = (): Value => {
    let v = product();
    while (peek() === '+' || peek() === '-') {
      const op = OPS[take()];
      v = combine(v, product(), op);
    }
    return v;
  };
  const result = sum();
  if (i < tokens.length) throw new MathError(`unexpected ${tokens[i]}`);
  if (typeof result !== 'number') for (const [t, v] of result) if (!Number.isFinite(v)) result.delete(t);
  return result;
}
