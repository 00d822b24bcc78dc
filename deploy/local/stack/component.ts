/** One piece of the local stack. The stack runner installs, starts and health-checks each the same way. */
export interface Component {
  readonly name: string;
  /** Ports the component listens on; checked free before start so a clash is named, not mysterious. */
  readonly ports: readonly { port: number; envVar: string }[];
  readonly logFile: string;
  readonly pidFile: string;
  /** Throws, naming the fix, when something the component needs (Java, Maven) is missing. */
  preflight?(): void;
  /** Idempotent and cached: a second call with everything present returns at once. */
  install(report: Reporter): Promise<void>;
  /** Spawns the process in the background and returns its pid. */
  start(report: Reporter): Promise<number>;
  healthy(): Promise<boolean>;
  /** One line for `stack status`. */
  describe(): string;
}

export type Reporter = (message: string) => void;
