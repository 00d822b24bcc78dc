import type { Tool } from '@modelcontextprotocol/sdk/types.js';

export interface ServerTools {
  readonly server: string;
  readonly tools: readonly Tool[];
}

/** A tool as the agent's client sees it, and where it really lives. */
export interface ExposedTool {
  /** Name offered to the agent: the upstream name, or `<server>__<name>` when namespaced. */
  readonly name: string;
  readonly server: string;
  readonly tool: Tool;
}

/** The same tool name offered by more than one server. */
export interface Shadowing {
  readonly name: string;
  readonly servers: readonly string[];
  readonly resolution: 'namespace' | 'refuse';
}

export interface Catalog {
  readonly tools: ReadonlyMap<string, ExposedTool>;
  readonly shadowing: readonly Shadowing[];
}

export const NAMESPACE_SEPARATOR = '__';

/**
 * Aggregates the servers' tools (servers in config order). A name offered by one server is exposed
 * as is. A name offered by several is tool shadowing: with `namespace` each copy is exposed as
 * `<server>__<name>` so the agent can tell them apart and no server silently captures another's
 * calls; with `refuse` none of them is exposed. Either way the collision is reported.
 */
export function buildCatalog(servers: readonly ServerTools[], mode: 'namespace' | 'refuse'): Catalog {
  const owners = new Map<string, string[]>();
  for (const s of servers) {
    for (const t of s.tools) {
      const list = owners.get(t.name) ?? [];
      if (!list.includes(s.server)) list.push(s.server);
      owners.set(t.name, list);
    }
  }
  const tools = new Map<string, ExposedTool>();
  const shadowing: Shadowing[] = [];
  for (const [name, list] of owners) if (list.length > 1) shadowing.push({ name, servers: list, resolution: mode });
  const shadowed = new Set(shadowing.map((s) => s.name));
  for (const s of servers) {
    for (const t of s.tools) {
      if (!shadowed.has(t.name)) {
        // A plain name wins over a namespaced one that happens to spell the same.
        tools.set(t.name, { name: t.name, server: s.server, tool: t });
      }
    }
  }
  if (mode === 'namespace') {
    for (const s of servers) {
      for (const t of s.tools) {
        if (!shadowed.has(t.name)) continue;
        const name = `${s.server}${NAMESPACE_SEPARATOR}${t.name}`;
        if (!tools.has(name)) tools.set(name, { name, server: s.server, tool: t });
      }
    }
  }
  return { tools, shadowing };
}
