import { type Static, type TObject, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { WardenError } from './errors.ts';

/**
 * Validates environment variables against a TypeBox schema whose keys are the variable names.
 * Defaults live in the schema; strings are converted to the declared types; every problem is
 * reported at once so a broken deployment is fixed in one round, not one variable at a time.
 */
export function readEnv<S extends TObject>(schema: S, env: NodeJS.ProcessEnv = process.env): Readonly<Static<S>> {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const raw = env[key];
    if (raw !== undefined && raw !== '') picked[key] = raw;
  }
  const withDefaults = Value.Default(schema, picked);
  const converted = Value.Convert(schema, withDefaults);
  const problems = [...Value.Errors(schema, converted)].map((e) => {
    const name = (e.path.startsWith('/') ? e.path.slice(1) : e.path) || '(root)';
    const shown = name in picked ? ` (got ${JSON.stringify(picked[name])})` : '';
    return `${name}: ${e.message}${shown}`;
  });
  if (problems.length > 0) {
    throw new WardenError('CONFIG_INVALID', `\n  - ${problems.join('\n  - ')}`);
  }
  return Object.freeze(converted as Static<S>);
}

/** A TCP port, with its default. */
export const Port = (def: number, description: string) =>
  Type.Integer({ minimum: 1, maximum: 65535, default: def, description });

/** Comma-separated list helper: KAFKA_BROKERS=a:9092,b:9092. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
