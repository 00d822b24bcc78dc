import { type ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';

export type { ClickHouseClient } from '@clickhouse/client';

export interface ClickHouseConnection {
  CLICKHOUSE_URL: string;
  CLICKHOUSE_USER: string;
  CLICKHOUSE_PASSWORD: string;
  CLICKHOUSE_DATABASE: string;
}

/** The same client and SQL talk to the local chDB server and to a production ClickHouse cluster. */
export function createClickHouse(
  conn: ClickHouseConnection,
  database: string | null = conn.CLICKHOUSE_DATABASE,
): ClickHouseClient {
  return createClient({
    url: conn.CLICKHOUSE_URL,
    username: conn.CLICKHOUSE_USER,
    password: conn.CLICKHOUSE_PASSWORD,
    ...(database ? { database } : {}),
    request_timeout: 60_000,
    // The client would print failed requests to the console itself; callers log them with a code.
    log: { level: ClickHouseLogLevel.OFF },
    clickhouse_settings: {
      date_time_input_format: 'best_effort',
      output_format_json_quote_64bit_integers: 0,
    },
  });
}
